// Binary files are useless to a language model: leave them out by extension at index time (no I/O),
// and by content (a NUL byte in the first 8 KB, as git and ripgrep do) when a file is actually read.

const BINARY_EXTENSIONS = new Set([
  // images
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'tif', 'tiff', 'psd', 'heic', 'avif', 'xcf',
  // audio / video
  'mp3', 'mp4', 'm4a', 'm4v', 'wav', 'flac', 'ogg', 'oga', 'opus', 'webm', 'mov', 'avi', 'mkv', 'wmv', 'aac', 'mid',
  // archives
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'tar', 'jar', 'war', 'ear', 'apk', 'aab', 'ipa', 'nupkg',
  'whl', 'egg', 'vsix', 'crx', 'deb', 'rpm', 'dmg', 'iso', 'img', 'lz4', 'br', 'cab', 'msi',
  // compiled / native
  'exe', 'dll', 'so', 'dylib', 'a', 'lib', 'o', 'obj', 'ko', 'bin', 'class', 'pyc', 'pyo', 'pyd', 'wasm', 'node',
  'elf', 'out', 'pdb', 'idb', 'ilk', 'dex', 'beam', 'rlib', 'rmeta',
  // documents / fonts
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'woff', 'woff2', 'ttf', 'otf', 'eot',
  // data / databases / models
  'sqlite', 'sqlite3', 'db', 'mdb', 'dat', 'pak', 'npy', 'npz', 'pkl', 'pickle', 'h5', 'hdf5', 'parquet', 'avro',
  'orc', 'feather', 'arrow', 'onnx', 'pt', 'pth', 'ckpt', 'safetensors', 'gguf', 'tflite', 'pb',
  // misc
  'swf', 'fla', 'blend', 'fbx', 'glb', '3ds', 'max', 'unitypackage', 'sketch', 'fig', 'DS_Store',
]);

/** True for file names whose extension marks a binary format. */
export function hasBinaryExtension(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || dot === fileName.length - 1) return false;
  return isBinaryExtension(fileName.slice(dot + 1));
}

/** Same test for an extension already split off (without the dot). */
export function isBinaryExtension(ext: string): boolean {
  return BINARY_EXTENSIONS.has(ext) || BINARY_EXTENSIONS.has(ext.toLowerCase());
}

/** How many leading bytes decide whether content is binary. */
export const BINARY_SNIFF_BYTES = 8192;

/** True when the first 8 KB contain a NUL byte. */
export function looksBinary(content: Uint8Array): boolean {
  const n = Math.min(content.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < n; i++) if (content[i] === 0) return true;
  return false;
}
