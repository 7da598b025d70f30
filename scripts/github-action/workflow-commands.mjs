// GitHub Actions' workflow commands and file commands, for the action's scripts.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** The escaping GitHub applies to a command's message… */
function escapeData(s) {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** …and to its properties (title=…). */
function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** An error or warning annotation, shown on the run's page. */
export function annotate(level, title, message) {
  process.stdout.write(`::${level} title=${escapeProperty(title)}::${escapeData(message)}\n`);
}

/** Step outputs as `name<<DELIMITER` … `DELIMITER`: the form that takes any value, several lines included. */
export function writeOutputs(file, outputs) {
  if (!file) return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `pgo_${randomBytes(8).toString('hex')}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}
