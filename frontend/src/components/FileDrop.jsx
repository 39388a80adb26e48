import { useState } from 'react';

const hasFiles = (event) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

/** A region that accepts a dropped file and highlights while one is dragged over it. */
export function FileDrop({ onFile, className = '', children }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`${className}${over ? ' is-drop-target' : ''}`}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault(); // allow the drop instead of the browser opening the file
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setOver(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(false);
        const file = event.dataTransfer.files?.[0];
        if (file) onFile(file);
      }}
    >
      {children}
    </div>
  );
}
