// Forbids the class of bug where user-chosen text indexes a plain object (house habit 11:
// `rules.people["constructor"]` is not `undefined`) and switches over literal unions that the
// compiler cannot prove exhaustive (house habit 2). Run: `node scripts/check-safe-lookups.mjs`.
// A finding the type system cannot see is safe takes `// safe-lookup: <reason>` on the line before.
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { projects } from "./projects.mjs";

const ESCAPE = /^\s*\/\/\s*safe-lookup:(.*)$/;

/**
 * @typedef {{ file: string, line: number, column: number, kind: "index" | "in" | "switch" | "escape",
 *   message: string, code: string }} Finding
 */

/** True when `type` can hold a string that is not one of a known set of literals. */
function isOpenString(type) {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) return true;
  if (type.flags & ts.TypeFlags.StringMapping) return true;
  // A branded string (`string & { __brand: "Handle" }`) or a union holding an open string.
  if (type.isUnion()) return type.types.some(isOpenString);
  if (type.isIntersection()) return type.types.some(isOpenString);
  // A type parameter constrained to string (`K extends string`).
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = type.getConstraint();
    return constraint ? isOpenString(constraint) : false;
  }
  return false;
}

/** Why indexing `type` by an open string is unsafe, or undefined when it is not. */
function dictionaryReason(checker, type) {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return "an untyped (any) object";
  if (type.isUnion()) {
    for (const member of type.types) {
      const reason = dictionaryReason(checker, member);
      if (reason) return reason;
    }
    return undefined;
  }
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = type.getConstraint();
    return constraint ? dictionaryReason(checker, constraint) : undefined;
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) return undefined;
  const stringIndex = checker
    .getIndexInfosOfType(type)
    .some((info) => info.keyType.flags & ts.TypeFlags.String || isOpenString(info.keyType));
  return stringIndex ? `a string-keyed record (${checker.typeToString(type)})` : undefined;
}

/** True when `type` is a union of literal types (string, number, boolean, enum members). */
function isLiteralUnion(type) {
  if (type.flags & ts.TypeFlags.EnumLiteral && type.isUnion()) return true;
  if (!type.isUnion()) return false;
  const literal =
    ts.TypeFlags.StringLiteral |
    ts.TypeFlags.NumberLiteral |
    ts.TypeFlags.BooleanLiteral |
    ts.TypeFlags.EnumLiteral |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null;
  return type.types.every((member) => member.flags & literal);
}

function isNever(type) {
  return (type.flags & ts.TypeFlags.Never) !== 0;
}

/** True when the default clause proves exhaustiveness: a `never` declaration, `satisfies never`, or a call taking `never`. */
function provesExhaustive(checker, clause) {
  let proven = false;
  const visit = (node) => {
    if (proven) return;
    if (ts.isVariableDeclaration(node) && node.type && isNever(checker.getTypeFromTypeNode(node.type))) {
      proven = true;
    } else if (ts.isSatisfiesExpression(node) && isNever(checker.getTypeFromTypeNode(node.type))) {
      proven = true;
    } else if (ts.isCallExpression(node)) {
      const signature = checker.getResolvedSignature(node);
      if (signature?.parameters.some((p) => isNever(checker.getTypeOfSymbolAtLocation(p, node))))
        proven = true;
    }
    if (!proven && !ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  for (const statement of clause.statements) visit(statement);
  return proven;
}

/** True when `node` is `Object.hasOwn(object, key)` or `<...>.hasOwnProperty.call(object, key)`. */
function isOwnCheck(node, object, key) {
  if (!ts.isCallExpression(node) || node.arguments.length !== 2) return false;
  const callee = node.expression.getText().replace(/\s+/g, "");
  if (callee !== "Object.hasOwn" && !callee.endsWith(".hasOwnProperty.call")) return false;
  const [o, k] = node.arguments;
  return same(o, object) && same(k, key);
}

function same(a, b) {
  const strip = (n) =>
    ts.isNonNullExpression(n) || ts.isParenthesizedExpression(n) ? strip(n.expression) : n;
  return strip(a).getText().replace(/\s+/g, "") === strip(b).getText().replace(/\s+/g, "");
}

/** True when `condition` being true implies an own-property check of `key` on `object` passed. */
function impliesOwn(condition, object, key) {
  if (ts.isParenthesizedExpression(condition)) return impliesOwn(condition.expression, object, key);
  if (
    ts.isBinaryExpression(condition) &&
    condition.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken
  ) {
    return impliesOwn(condition.left, object, key) || impliesOwn(condition.right, object, key);
  }
  return isOwnCheck(condition, object, key);
}

/** True when `condition` being false implies an own-property check of `key` on `object` passed. */
function impliesNotOwn(condition, object, key) {
  if (ts.isParenthesizedExpression(condition)) return impliesNotOwn(condition.expression, object, key);
  if (ts.isBinaryExpression(condition) && condition.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
    return impliesNotOwn(condition.left, object, key) || impliesNotOwn(condition.right, object, key);
  }
  return (
    ts.isPrefixUnaryExpression(condition) &&
    condition.operator === ts.SyntaxKind.ExclamationToken &&
    impliesOwn(condition.operand, object, key)
  );
}

/** True when `statement` always leaves the block it is in (return, throw, break, continue). */
function exits(statement) {
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last !== undefined && exits(last);
  }
  return (
    ts.isReturnStatement(statement) ||
    ts.isThrowStatement(statement) ||
    ts.isBreakStatement(statement) ||
    ts.isContinueStatement(statement)
  );
}

/** True when a statement before `child` in its block is `if (!Object.hasOwn(object, key)) return;`. */
function earlyExitBefore(child, object, key) {
  const statements = child.parent && "statements" in child.parent ? child.parent.statements : undefined;
  if (!statements) return false;
  for (const statement of statements) {
    if (statement === child) return false;
    if (
      ts.isIfStatement(statement) &&
      exits(statement.thenStatement) &&
      impliesNotOwn(statement.expression, object, key)
    ) {
      return true;
    }
  }
  return false;
}

/** True when `node` (an access of `key` on `object`) only runs after an own-property check of that key. */
function guardedByOwnCheck(node, object, key) {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isFunctionLike(parent)) return false;
    if (earlyExitBefore(child, object, key)) return true;
    if (
      ts.isConditionalExpression(parent) &&
      child === parent.whenTrue &&
      impliesOwn(parent.condition, object, key)
    ) {
      return true;
    }
    if (
      ts.isIfStatement(parent) &&
      child === parent.thenStatement &&
      impliesOwn(parent.expression, object, key)
    ) {
      return true;
    }
    if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      child === parent.right &&
      impliesOwn(parent.left, object, key)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * True for `const { [key]: _dropped, ...rest } = record`: the value is thrown away, and the rest
 * holds only own properties other than `key`, whatever `key` is.
 */
function isOmitIdiom(element) {
  return (
    ts.isIdentifier(element.name) &&
    element.name.text.startsWith("_") &&
    element.parent.elements.some((sibling) => sibling.dotDotDotToken)
  );
}

function snippet(sourceFile, node) {
  const text = node.getText(sourceFile).replace(/\s+/g, " ");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The escape on the line before `line` (0-based): its reason, "" when it has none, or undefined when absent. */
function escapeReason(sourceFile, line) {
  if (line === 0) return undefined;
  const lines = sourceFile.getLineStarts();
  const start = lines[line - 1];
  const end = lines[line] ?? sourceFile.text.length;
  const match = ESCAPE.exec(sourceFile.text.slice(start, end).replace(/\r?\n$/, ""));
  return match ? match[1].trim() : undefined;
}

/**
 * Every unsafe lookup and non-exhaustive switch in `sourceFile`.
 * @param {ts.TypeChecker} checker
 * @param {ts.SourceFile} sourceFile
 * @param {string} displayName
 * @returns {Finding[]}
 */
export function checkSourceFile(checker, sourceFile, displayName = sourceFile.fileName) {
  /** @type {Finding[]} */
  const findings = [];
  const report = (node, kind, message) => {
    const start = node.getStart(sourceFile);
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
    const reason = escapeReason(sourceFile, line);
    if (reason) return;
    findings.push({
      file: displayName,
      line: line + 1,
      column: character + 1,
      kind: reason === "" ? "escape" : kind,
      message: reason === "" ? `"// safe-lookup:" needs a reason (${message})` : message,
      code: snippet(sourceFile, node),
    });
  };

  const visit = (node) => {
    if (ts.isElementAccessExpression(node)) {
      const keyType = checker.getTypeAtLocation(node.argumentExpression);
      if (isOpenString(keyType)) {
        const objectType = checker.getNonNullableType(checker.getTypeAtLocation(node.expression));
        const reason = dictionaryReason(checker, objectType);
        if (reason && !guardedByOwnCheck(node, node.expression, node.argumentExpression)) {
          const parent = node.parent;
          const use = ts.isDeleteExpression(parent)
            ? "deletes"
            : ts.isBinaryExpression(parent) &&
                parent.left === node &&
                parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
                parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment
              ? "writes"
              : "reads";
          report(
            node,
            "index",
            `${use} ${reason} with a string key; "constructor" or "__proto__" would hit Object.prototype: use a Map, Set, Object.hasOwn guard or null-prototype record`,
          );
        }
      }
    } else if (
      ts.isBindingElement(node) &&
      node.propertyName &&
      ts.isComputedPropertyName(node.propertyName) &&
      isOpenString(checker.getTypeAtLocation(node.propertyName.expression)) &&
      !isOmitIdiom(node)
    ) {
      // `const { [key]: value } = record` reads record[key] too.
      const reason = dictionaryReason(
        checker,
        checker.getNonNullableType(checker.getTypeAtLocation(node.parent)),
      );
      if (reason) {
        report(
          node,
          "index",
          `destructures ${reason} with a string key; "constructor" or "__proto__" would hit Object.prototype: use a Map, Set, Object.hasOwn guard or null-prototype record`,
        );
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword) {
      const keyType = checker.getTypeAtLocation(node.left);
      if (isOpenString(keyType)) {
        const objectType = checker.getNonNullableType(checker.getTypeAtLocation(node.right));
        const reason = dictionaryReason(checker, objectType);
        if (reason) {
          report(
            node,
            "in",
            `\`in\` on ${reason} with a string key is true for inherited names like "constructor": use Object.hasOwn or a Map/Set`,
          );
        }
      }
    } else if (ts.isSwitchStatement(node)) {
      const type = checker.getTypeAtLocation(node.expression);
      if (isLiteralUnion(type)) {
        const defaultClause = node.caseBlock.clauses.find(ts.isDefaultClause);
        if (!defaultClause || !provesExhaustive(checker, defaultClause)) {
          report(
            node,
            "switch",
            `switch over ${checker.typeToString(type)} ${defaultClause ? "has a default that does not prove" : "lacks a default proving"} exhaustiveness: add \`default: { const unhandled: never = ...; }\``,
          );
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return findings;
}

/**
 * Checks in-memory sources (file name -> text) in one program with the repo's strict options.
 * @param {Record<string, string>} sources
 * @returns {Finding[]}
 */
export function checkSources(sources) {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts"],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(
    Object.entries(sources).map(([name, text]) => [path.resolve("/virtual", name), text]),
  );
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = virtual.get(path.resolve(fileName));
    return text === undefined
      ? getSourceFile.call(host, fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  host.fileExists = (fileName) => virtual.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => virtual.get(path.resolve(fileName)) ?? readFile.call(host, fileName);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const checker = program.getTypeChecker();
  return [...virtual.keys()].flatMap((fileName) => {
    const sourceFile = program.getSourceFile(fileName);
    return sourceFile ? checkSourceFile(checker, sourceFile, path.relative("/virtual", fileName)) : [];
  });
}

/**
 * Checks every workspace project under `root`, each file once.
 * @param {string} root
 * @returns {{ findings: Finding[], files: number }}
 */
export function checkProjects(root) {
  /** @type {Finding[]} */
  const findings = [];
  const seen = new Set();
  // Parsed files are shared between projects; only the type checker is per project.
  const parsed = new Map();
  for (const project of projects) {
    const configPath = path.join(root, project, "tsconfig.json");
    if (!ts.sys.fileExists(configPath)) continue;
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
    );
    if (!config) throw new Error(`cannot read ${configPath}`);
    const host = ts.createCompilerHost(config.options, true);
    const { getSourceFile } = host;
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
      let sourceFile = parsed.get(key);
      if (!sourceFile) {
        sourceFile = getSourceFile.call(host, fileName, languageVersion, ...rest);
        if (sourceFile) parsed.set(key, sourceFile);
      }
      return sourceFile;
    };
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
    const checker = program.getTypeChecker();
    for (const sourceFile of program.getSourceFiles()) {
      const fileName = path.resolve(sourceFile.fileName);
      if (sourceFile.isDeclarationFile || fileName.includes(`${path.sep}node_modules${path.sep}`)) continue;
      // JavaScript that is not type-checked has `any` everywhere: nothing to learn from it.
      if (/\.[cm]?jsx?$/.test(fileName) && !config.options.checkJs) continue;
      if (!fileName.startsWith(root + path.sep) || seen.has(fileName)) continue;
      seen.add(fileName);
      findings.push(...checkSourceFile(checker, sourceFile, path.relative(root, fileName)));
    }
  }
  return { findings, files: seen.size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const { findings, files } = checkProjects(root);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  for (const f of findings)
    console.log(`${f.file}:${f.line}:${f.column} [${f.kind}] ${f.message}\n    ${f.code}`);
  if (findings.length > 0) {
    console.error(`check-safe-lookups: ${findings.length} finding(s) in ${files} files (${seconds}s)`);
    process.exit(1);
  }
  console.log(`check-safe-lookups: ${files} files clean (${seconds}s)`);
}
