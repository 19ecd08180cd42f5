// Checks a Dockerfile against the rules dunbar's images promise (what dockerfilelint does not:
// it cannot resolve ARG defaults in FROM, and knows nothing of users or pinning):
//
//   node dockerfile-policy.mjs Dockerfile [more ...]
//
//   - every external base image is a build ARG (`FROM ${BASE_IMAGE}`), whose default has a tag
//     that is not `latest` (or a digest);
//   - the final stage runs as a numeric non-root USER (uid and optional gid, not 0);
//   - the final stage's CMD/ENTRYPOINT use the exec (JSON) form: no shell between the runtime and
//     the server, so SIGTERM reaches it and the image needs no shell;
//   - every RUN with `apt-get install` passes -y and --no-install-recommends, pins every package
//     it names (`name=version`; a list computed into a file is pinned when it is made), and
//     removes /var/lib/apt/lists in the same RUN.
//
// Prints one line per violation ("Dockerfile:LINE: ..."), exits 1 if any.
import { readFileSync } from 'node:fs';

// Instructions with their first line number; continuation lines joined, comments dropped.
export function parseDockerfile(text) {
  const instructions = [];
  let pending = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (pending === null && /^\s*(#|$)/.test(line)) return;
    if (pending !== null && /^\s*#/.test(line)) return; // comments inside a continuation
    const continued = /\\\s*$/.test(line);
    const body = continued ? line.replace(/\\\s*$/, '') : line;
    if (pending === null) pending = { line: index + 1, text: body };
    else pending.text += ` ${body.trim()}`;
    if (!continued) {
      const match = /^\s*(\w+)\s*(.*)$/.exec(pending.text);
      if (match) {
        instructions.push({ line: pending.line, keyword: match[1].toUpperCase(), args: match[2].trim() });
      }
      pending = null;
    }
  });
  return instructions;
}

function expand(value, args) {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced, bare) => args.get(braced ?? bare) ?? '');
}

function tagProblem(image) {
  if (image === '') return 'has no value (an ARG without a default?)';
  if (image === 'scratch') return null;
  if (image.includes('@sha256:')) return null;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0 || colon === lastSegment.length - 1) return `"${image}" has no tag`;
  if (lastSegment.slice(colon + 1) === 'latest') return `"${image}" uses the tag latest`;
  return null;
}

function parseArg(argsText) {
  const match = /^(\w+)(?:=(.*))?$/.exec(argsText);
  if (!match) return null;
  return { name: match[1], value: (match[2] ?? '').replace(/^"(.*)"$/, '$1') };
}

function checkAptRun(file, instruction, violations) {
  const run = instruction.args;
  if (!/\bapt-get\b[^&;|]*\binstall\b/.test(run)) return;
  const at = `${file}:${instruction.line}`;
  for (const command of run.split(/&&|;|\|\|/).map((c) => c.trim())) {
    if (!/\bapt-get\b/.test(command) || !/\binstall\b/.test(command)) continue;
    if (!/(^|\s)(-y|--yes|-[a-z]*y[a-z]*|--assume-yes)(\s|$)/.test(command)) {
      violations.push(`${at}: apt-get install without -y`);
    }
    if (!command.includes('--no-install-recommends')) {
      violations.push(`${at}: apt-get install without --no-install-recommends`);
    }
    // $(...) and $VAR stand for a list computed (and pinned) where it is made.
    const words = command
      .replace(/^.*\binstall\b/, '')
      .replace(/\$\([^)]*\)|`[^`]*`/g, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const word of words) {
      if (word.startsWith('-') || word.startsWith('$')) continue;
      if (!/^[a-z0-9][a-z0-9+.-]*(:[a-z0-9]+)?=\S+$/.test(word)) {
        violations.push(`${at}: apt package "${word}" is not pinned (name=version)`);
      }
    }
  }
  if (!/rm\s+(-\w+\s+)*\S*\/var\/lib\/apt\/lists/.test(run)) {
    violations.push(`${at}: RUN installs with apt-get but does not remove /var/lib/apt/lists`);
  }
}

export function checkDockerfile(file, text) {
  const violations = [];
  const instructions = parseDockerfile(text);
  const args = new Map(); // global ARG defaults (before the first FROM)
  const stageNames = new Set();
  const stages = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const arg = parseArg(instruction.args);
      if (arg) args.set(arg.name, arg.value);
      continue;
    }
    if (instruction.keyword === 'FROM') {
      const [imageRef, as, name] = instruction.args.split(/\s+/);
      const stage = { from: instruction, user: null, command: [] };
      stages.push(stage);
      if (as?.toUpperCase() === 'AS' && name) stageNames.add(name);
      const image = expand(imageRef, args);
      if (stageNames.has(imageRef) && !/\$/.test(imageRef)) continue; // FROM an earlier stage
      const at = `${file}:${instruction.line}`;
      if (!/\$/.test(imageRef)) {
        violations.push(`${at}: base image "${imageRef}" is not a build ARG (FROM \${BASE_IMAGE})`);
      }
      const problem = tagProblem(image);
      if (problem) violations.push(`${at}: base image ${problem}`);
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue;
    if (instruction.keyword === 'USER') stage.user = instruction;
    if (instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT') {
      stage.command.push(instruction);
    }
    if (instruction.keyword === 'RUN') checkAptRun(file, instruction, violations);
  }

  const final = stages.at(-1);
  if (!final) {
    violations.push(`${file}: no FROM`);
    return violations;
  }
  if (!final.user) {
    violations.push(`${file}: the final stage sets no USER: it would run as root (use a numeric non-root USER)`);
  } else {
    const match = /^(\d+)(?::(\d+))?$/.exec(final.user.args);
    if (!match) {
      violations.push(
        `${file}:${final.user.line}: USER ${final.user.args} is not numeric (use a numeric non-root USER, e.g. 10001:10001)`,
      );
    } else if (Number(match[1]) === 0) {
      violations.push(`${file}:${final.user.line}: USER ${final.user.args} is root (use a numeric non-root USER)`);
    }
  }
  for (const command of final.command) {
    if (!command.args.startsWith('[')) {
      violations.push(
        `${file}:${command.line}: ${command.keyword} in shell form needs a shell at run time (use the exec form ["binary", ...])`,
      );
    }
  }
  return violations;
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: node dockerfile-policy.mjs Dockerfile [more ...]');
    return 2;
  }
  let violations = [];
  for (const file of files) violations = violations.concat(checkDockerfile(file, readFileSync(file, 'utf8')));
  for (const v of violations) console.log(`dockerfile-policy: ${v}`);
  if (violations.length > 0) return 1;
  console.log(`dockerfile-policy: ok (${files.length} file(s))`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
