/**
 * code.py and the other CIRCUITPY files: a CodeMirror 6 editor (Python) and a file list with
 * new, rename, delete, upload, download, and the whole drive as a zip or a disk image. Saving
 * writes to the emulated drive (through the emulated USB host while firmware runs, so
 * CircuitPython auto-reloads as it would from a computer).
 */
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { zipSync } from 'fflate';
import { machine } from './machine.js';
import { store, notify } from './store.js';
import type { DriveEntry } from './worker/protocol.js';
import { el } from './dom.js';

/** Files the host OS and CircuitPython keep on the drive, listed dimmed. */
const HOUSEKEEPING = /^\/(\.fseventsd|\.metadata_never_index|\.Trashes|\.Trash-1000|System Volume Information)/;

function download(name: string, data: Uint8Array, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function button(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

let editorView: EditorView | null = null;

/** The editor's text (what Share puts in the link). */
export async function currentCode(): Promise<string> {
  return editorView?.state.doc.toString() ?? '';
}

/**
 * `sharedCode`: code.py from a shared link; it replaces code.py once the drive is ready (a
 * different code.py already there is kept as /code-before-link.py).
 */
export function mountCode(host: HTMLElement, sharedCode: string | null = null): void {
  const files = el('div', 'files');
  const toolbar = el('div', 'file-toolbar');
  const list = el('ul', 'file-list');
  list.setAttribute('aria-label', 'Files on CIRCUITPY');
  files.append(toolbar, list);

  const editorPane = el('div', 'editor-pane');
  const editorBar = el('div', 'editor-bar');
  const fileName = el('span', 'file-name');
  const editorHost = el('div', 'editor');
  editorPane.append(editorBar, editorHost);
  // Shown instead of the files and the editor on a board without CIRCUITPY.
  const noDrive = el('p', 'no-drive');
  noDrive.hidden = true;
  noDrive.textContent =
    'This board has no CIRCUITPY drive. MicroPython keeps its files in a filesystem inside its own flash: use the REPL in the serial console (os.listdir(), open()).';
  host.append(files, editorPane, noDrive);

  let dirty = false;
  const save = async (): Promise<void> => {
    const path = store.getState().openPath;
    if (!path) return;
    const text = view.state.doc.toString();
    try {
      const r = await machine.drive({ op: 'write', path, data: new TextEncoder().encode(text) });
      if (r.entries) store.setState({ files: r.entries });
      dirty = false;
      fileName.textContent = path;
      notify('info', `Saved ${path}${store.getState().engine === 'firmware' ? ' (written over USB)' : ''}.`);
    } catch (e) {
      notify('error', `Could not save ${path}: ${(e as Error).message}. Your text is still in the editor.`);
    }
  };

  const view = new EditorView({
    parent: editorHost,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), indentOnInput(), bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle), python(),
        keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (void save(), true) }, ...defaultKeymap, ...historyKeymap]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !dirty) {
            dirty = true;
            fileName.textContent = `${store.getState().openPath ?? ''} •`;
          }
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'Code editor' }),
      ],
    }),
  });
  editorView = view;
  editorBar.append(fileName, button('Save', 'Save file to the drive (Ctrl-S)', () => void save()));

  const open = async (path: string): Promise<void> => {
    try {
      const r = await machine.drive({ op: 'read', path });
      const text = new TextDecoder().decode(r.data);
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      dirty = false;
      store.setState({ openPath: path });
      fileName.textContent = path;
    } catch (e) {
      notify('error', `Could not open ${path}: ${(e as Error).message}`);
    }
  };

  let pendingShared = sharedCode;
  const applyShared = async (entries: DriveEntry[]): Promise<void> => {
    const code = pendingShared;
    if (code === null) return;
    pendingShared = null;
    const encoder = new TextEncoder();
    let kept = false;
    if (entries.some((f) => f.path === '/code.py')) {
      const old = new TextDecoder().decode((await machine.drive({ op: 'read', path: '/code.py' })).data);
      if (old === code) return;
      await machine.drive({ op: 'write', path: '/code-before-link.py', data: encoder.encode(old) });
      kept = true;
    }
    const r = await machine.drive({ op: 'write', path: '/code.py', data: encoder.encode(code) });
    store.setState({ files: r.entries ?? [] });
    notify('info', `Opened the shared code.py${kept ? ' (your previous one is in code-before-link.py)' : ''}.`);
  };

  const refresh = async (): Promise<void> => {
    try {
      const r = await machine.drive({ op: 'list' });
      store.setState({ files: r.entries ?? [] });
      await applyShared(r.entries ?? []);
      const s = store.getState();
      if (!s.openPath && s.files.some((f) => f.path === '/code.py')) await open('/code.py');
    } catch (e) {
      notify('error', `Could not read CIRCUITPY: ${(e as Error).message}`);
    }
  };

  const run = async (request: Parameters<typeof machine.drive>[0], done: string): Promise<void> => {
    try {
      const r = await machine.drive(request);
      if (r.entries) store.setState({ files: r.entries });
      notify('info', done);
    } catch (e) {
      notify('error', (e as Error).message);
    }
  };

  const upload = document.createElement('input');
  upload.type = 'file';
  upload.multiple = true;
  upload.hidden = true;
  upload.addEventListener('change', async () => {
    for (const f of upload.files ?? []) await run({ op: 'write', path: `/${f.name}`, data: new Uint8Array(await f.arrayBuffer()) }, `Uploaded ${f.name}.`);
    upload.value = '';
  });
  files.addEventListener('dragover', (e) => e.preventDefault());
  files.addEventListener('drop', async (e) => {
    e.preventDefault();
    for (const f of e.dataTransfer?.files ?? []) await run({ op: 'write', path: `/${f.name}`, data: new Uint8Array(await f.arrayBuffer()) }, `Uploaded ${f.name}.`);
  });

  toolbar.append(
    button('New', 'New file', async () => {
      const name = prompt('New file name', 'new.py');
      if (!name) return;
      const path = name.startsWith('/') ? name : `/${name}`;
      await run({ op: 'write', path, data: new Uint8Array(0) }, `Created ${path}.`);
      await open(path);
    }),
    button('Rename', 'Rename the open file', async () => {
      const from = store.getState().openPath;
      if (!from) return;
      const to = prompt(`Rename ${from} to`, from);
      if (!to || to === from) return;
      const dest = to.startsWith('/') ? to : `/${to}`;
      await run({ op: 'rename', from, to: dest }, `Renamed ${from} to ${dest}.`);
      store.setState({ openPath: dest });
      fileName.textContent = dest;
    }),
    button('Delete', 'Delete the open file', async () => {
      const path = store.getState().openPath;
      if (!path || !confirm(`Delete ${path}?`)) return;
      await run({ op: 'delete', path }, `Deleted ${path}.`);
      store.setState({ openPath: null });
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: '' } });
      fileName.textContent = '';
    }),
    button('Upload', 'Upload files to the drive', () => upload.click()),
    button('Download', 'Download the open file', async () => {
      const path = store.getState().openPath;
      if (!path) return;
      const r = await machine.drive({ op: 'read', path });
      download(path.split('/').pop()!, r.data!);
    }),
    button('Zip', 'Download the whole drive as a zip', async () => {
      const entries = store.getState().files.filter((f) => !f.directory && !HOUSEKEEPING.test(f.path));
      const tree: Record<string, Uint8Array> = {};
      for (const f of entries) tree[f.path.slice(1)] = (await machine.drive({ op: 'read', path: f.path })).data!;
      download('CIRCUITPY.zip', zipSync(tree), 'application/zip');
    }),
    button('Image', 'Download the drive as a disk image', async () => {
      const r = await machine.drive({ op: 'image' });
      download('CIRCUITPY.img', r.data!);
    }),
    upload,
  );

  const renderList = (entries: DriveEntry[], openPath: string | null): void => {
    list.replaceChildren();
    for (const f of entries) {
      if (f.directory) continue;
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = f.path.slice(1);
      b.className = HOUSEKEEPING.test(f.path) ? 'housekeeping' : '';
      if (f.path === openPath) b.setAttribute('aria-current', 'true');
      b.setAttribute('aria-label', `Open ${f.path} (${f.size} bytes)`);
      b.addEventListener('click', () => void open(f.path));
      li.append(b);
      list.append(li);
    }
  };

  store.subscribe((s, prev) => {
    if (s.files !== prev.files || s.openPath !== prev.openPath) renderList(s.files, s.openPath);
    // A board without CIRCUITPY (the ESP8266's MicroPython keeps its files inside the firmware's flash) has no files to list.
    if (s.board !== prev.board && s.board) {
      if (s.board.circuitpyBytes > 0) void refresh();
      else store.setState({ files: [], openPath: null });
      files.hidden = editorPane.hidden = s.board.circuitpyBytes === 0;
      noDrive.hidden = s.board.circuitpyBytes > 0;
    }
  });
}
