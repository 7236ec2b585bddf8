/** The root component: the embedded config → the real services → the app. */
import { StatusBar } from 'expo-status-bar';
import { useMemo } from 'react';
import { ErrorMessage, Paragraph, Screen } from './components/ui';
import { embeddedConfig } from './config';
import { LatchkeyApp } from './LatchkeyApp';
import { createServices } from './services';

export function App() {
  const embedded = useMemo(embeddedConfig, []);
  const services = useMemo(() => (embedded.config ? createServices(embedded.config) : undefined), [embedded]);
  return (
    <>
      <StatusBar style="dark" />
      {services ? (
        <LatchkeyApp services={services} />
      ) : (
        <Screen title="Not configured">
          <ErrorMessage message={'error' in embedded ? embedded.error : undefined} />
          <Paragraph>
            See apps/example/README.md: the app reads the dev server's .latchkey/dev.json.
          </Paragraph>
        </Screen>
      )}
    </>
  );
}
