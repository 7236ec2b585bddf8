// crypto.getRandomValues for the sign-up flow's throwaway password and for Amplify
// (a no-op on the web, where the browser has it). Must run first.
import 'react-native-get-random-values';
import { registerRootComponent } from 'expo';
import { App } from './src/App';

registerRootComponent(App);
