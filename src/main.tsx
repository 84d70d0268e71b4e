/** Entry point: styles, theme before first paint, React Query, and the studio. */
import './ui/zodSetup'; // must stay first: see the file
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './ui/styles/theme.css';
import './ui/styles/app.css';
import './ui/styles/canvas.css';
import './ui/styles/inspector.css';
import './ui/styles/dialogs.css';
import { useStudio } from './state/studioStore';
import { App } from './ui/App';

// Apply the remembered (or system) theme before React renders, so there is no flash of the other one.
const { theme, largeText } = useStudio.getState();
document.documentElement.dataset.theme = theme;
document.documentElement.dataset.textSize = largeText ? 'large' : 'normal';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
