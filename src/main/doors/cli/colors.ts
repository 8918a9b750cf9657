import pc from 'picocolors';

/**
 * Colour only for a person at a terminal. picocolors alone also colours whenever `CI` is set,
 * which puts escape codes into piped output and log files that scripts then grep.
 * FORCE_COLOR and NO_COLOR keep their usual meaning.
 */
function colourWanted(): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true;
}

export const colors = pc.createColors(colourWanted());
