/**
 * The studio: toolbar on top, palette on the left, the canvas with the run dock under it, the inspector
 * on the right. Starts the startup sequence (link, example or last topology), autosave and shortcuts.
 */
import { useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../state/studioStore';
import { Canvas } from './canvas/Canvas';
import { startAutosave } from './files/autosave';
import { isJsonFile, openFile } from './files/documents';
import { listenForShareLinks, startup } from './files/startup';
import { Inspector } from './inspector/Inspector';
import { Palette } from './palette/Palette';
import { BottomPanels } from './panels/BottomPanels';
import { BottomDock } from './shell/BottomDock';
import { Dialogs } from './shell/Dialogs';
import { Toasts } from './shell/Toasts';
import { installShortcuts } from './shortcuts';
import { Toolbar } from './toolbar/Toolbar';

function Studio() {
  const queryClient = useQueryClient();
  const rf = useReactFlow();
  const rfRef = useRef(rf);
  const fileInput = useRef<HTMLInputElement>(null);
  const { theme, largeText, ready } = useStudio(useShallow((s) => ({ theme: s.theme, largeText: s.largeText, ready: s.ready })));

  useEffect(() => {
    rfRef.current = rf;
  }, [rf]);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dataset.textSize = largeText ? 'large' : 'normal';
    root.style.colorScheme = theme;
  }, [theme, largeText]);

  useEffect(() => {
    const stopAutosave = startAutosave(queryClient);
    void startup();
    const stopLinks = listenForShareLinks();
    const stopKeys = installShortcuts(() => rfRef.current, { openFile: () => fileInput.current?.click() });
    return () => {
      stopAutosave();
      stopLinks();
      stopKeys();
    };
  }, [queryClient]);

  return (
    <div className="app" data-ready={ready ? 'true' : 'false'}>
      <Toolbar onOpenFile={() => fileInput.current?.click()} />
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        aria-label="Open topology file"
        data-testid="file-input"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file && isJsonFile(file)) void openFile(file);
          else if (file) useStudio.getState().toast(`“${file.name}” is not a .json topology file`, 'error');
        }}
      />
      <div className="workspace">
        <Palette />
        <main className="center">
          <Canvas />
          <BottomDock>
            <BottomPanels />
          </BottomDock>
        </main>
        <Inspector />
      </div>
      <Dialogs />
      <Toasts />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Studio />
    </ReactFlowProvider>
  );
}
