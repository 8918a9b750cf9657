import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installWebBridge } from '../preload/webBridge';
import { App } from './App';
import { TokenMissing } from './shell/TokenMissing';
import { theme } from './theme';

// Electron's preload has already defined window.api; in a plain browser this installs the HTTP bridge.
const bridge = installWebBridge();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      {bridge.hasToken ? <App /> : <TokenMissing />}
    </MantineProvider>
  </StrictMode>,
);
