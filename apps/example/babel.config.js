// Expo's Babel preset, explicit so that Jest (jest-expo) also applies it to the workspace packages.
module.exports = (api) => {
  api.cache(true);
  return { presets: ['babel-preset-expo'] };
};
