import type { TSchema } from 'typebox';
import { OqsError } from '../errors.js';
import { normaliseWire, wireInsurerNumber, type WireKind } from '../wire.js';
import { characterCodeIdentifierOf, type XmlEncoding, type XmlNode } from './xml.js';

/*
 * The schema-driven codec: a message schema (schemas.ts) is compiled once into a plan — tag, field, wire kind,
 * limits — and the plan drives reading XML, reading JSON and writing XML. Tag = field with the first letter
 * upper-cased; `x-item` arrays are wrapper lists. One table, two forms, no drift.
 */

interface PlanBase {
  field: string;
  tag: string;
  required: boolean;
}
/** A leaf element holding text. */
interface TextPlan extends PlanBase {
  kind: 'text';
  wire: WireKind;
  maxLength: number;
}
/** An element with child elements. */
interface ObjectPlan extends PlanBase {
  kind: 'object';
  children: Plan[];
}
/** A repeated element, optionally inside a wrapper element (`item` is then the repeated tag). */
interface ListPlan extends PlanBase {
  kind: 'list';
  item: string | undefined;
  maxItems: number;
  of: TextPlan | ObjectPlan;
}
/** The compiled shape of one schema node. */
export type Plan = TextPlan | ObjectPlan | ListPlan;

function read(schema: object, key: string): unknown {
  const value: unknown = Reflect.get(schema, key);
  return value;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const WIRE_KINDS = new Set<string>(['text', 'digits', 'code', 'insurerNumber', 'date', 'dateTime', 'month']);

function isWireKind(value: unknown): value is WireKind {
  return typeof value === 'string' && WIRE_KINDS.has(value);
}

/** Compiles a schema node into a plan. Throws on a schema the codec cannot map (a programming error). */
export function compilePlan(field: string, schema: TSchema, required: boolean, tag = upperFirst(field)): Plan {
  const properties = read(schema, 'properties');
  if (typeof properties === 'object' && properties !== null) {
    const requiredList = read(schema, 'required');
    const requiredSet = new Set(Array.isArray(requiredList) ? requiredList.filter((r) => typeof r === 'string') : []);
    const children = Object.entries(properties).map(([key, child]: [string, TSchema]) =>
      compilePlan(key, child, requiredSet.has(key)),
    );
    return { kind: 'object', field, tag, required, children };
  }
  const items = read(schema, 'items');
  if (read(schema, 'type') === 'array' && typeof items === 'object' && items !== null) {
    const item = read(schema, 'x-item');
    const itemTag = typeof item === 'string' ? item : undefined;
    const of = compilePlan(field, items, true, itemTag ?? tag);
    if (of.kind === 'list') {
      throw new Error(`schema ${field}: lists of lists are not mapped`);
    }
    const maxItems = read(schema, 'maxItems');
    return {
      kind: 'list',
      field,
      tag,
      required,
      item: itemTag,
      maxItems: typeof maxItems === 'number' ? maxItems : 1000,
      of,
    };
  }
  const wire = read(schema, 'x-wire');
  if (isWireKind(wire)) {
    const maxLength = read(schema, 'maxLength');
    return { kind: 'text', field, tag, required, wire, maxLength: typeof maxLength === 'number' ? maxLength : 1000 };
  }
  throw new Error(`schema ${field}: no x-wire annotation`);
}

// ------------------------------------------------------------------------------------------------------------
// Reading

type Path = string;

/** A field's path for an error message: built only when there is an error (most requests have none). */
function pathOf(parent: Path, key: string | number | undefined): Path {
  return key === undefined ? parent : `${parent}/${String(key)}`;
}

function fieldValue(plan: TextPlan, raw: string, parent: Path, key?: string | number): string | undefined {
  if (raw.length > plan.maxLength * 2 + 64) {
    // Far beyond any padding: refuse before normalising.
    throw new OqsError('fieldTooLong', `${pathOf(parent, key)} longer than ${plan.maxLength}`);
  }
  const normalised = normaliseWire(plan.wire, raw);
  if (!normalised.ok) {
    if (normalised.reason === 'insurerNumber') {
      throw new OqsError('insurerNumber', pathOf(parent, key));
    }
    throw new OqsError('fieldInvalid', pathOf(parent, key));
  }
  if (normalised.value === '') {
    return undefined;
  }
  if (normalised.value.length > plan.maxLength) {
    throw new OqsError('fieldTooLong', `${pathOf(parent, key)} longer than ${plan.maxLength}`);
  }
  return normalised.value;
}

function textOf(node: XmlNode, path: Path): string {
  if (node.children.size > 0) {
    throw new OqsError('xmlStructure', `${path} must hold text, not elements`);
  }
  return node.text;
}

function single(nodes: XmlNode[] | undefined, path: Path): XmlNode | undefined {
  if (nodes === undefined || nodes.length === 0) {
    return undefined;
  }
  if (nodes.length > 1) {
    throw new OqsError('xmlStructure', `${path} appears more than once`);
  }
  return nodes[0];
}

function elementOf(node: XmlNode, path: Path): XmlNode {
  if (node.children.size === 0 && node.text.trim() !== '') {
    throw new OqsError('xmlStructure', `${path} must hold elements, not text`);
  }
  return node;
}

function readXmlValue(plan: TextPlan | ObjectPlan, node: XmlNode, path: Path): unknown {
  if (plan.kind === 'text') {
    return fieldValue(plan, textOf(node, path), path);
  }
  return readXmlObject(plan, node, path);
}

function readXmlObject(plan: ObjectPlan, node: XmlNode, path: Path): Record<string, unknown> {
  const element = elementOf(node, path);
  const out: Record<string, unknown> = {};
  for (const child of plan.children) {
    const childPath = `${path}/${child.tag}`;
    const nodes = element.children.get(child.tag);
    if (child.kind === 'list') {
      const items = readXmlList(child, nodes, childPath);
      if (items.length > 0) {
        out[child.field] = items;
      }
      continue;
    }
    const one = single(nodes, childPath);
    if (one === undefined) {
      continue;
    }
    const value = readXmlValue(child, one, childPath);
    if (value !== undefined) {
      out[child.field] = value;
    }
  }
  return out;
}

function readXmlList(plan: ListPlan, nodes: XmlNode[] | undefined, path: Path): unknown[] {
  if (nodes === undefined) {
    return [];
  }
  let elements: XmlNode[] = nodes;
  if (plan.item !== undefined) {
    const itemTag = plan.item;
    elements = nodes.flatMap((wrapper) => elementOf(wrapper, path).children.get(itemTag) ?? []);
  }
  if (elements.length > plan.maxItems) {
    throw new OqsError('tooManyElements', `${path}: more than ${plan.maxItems}`);
  }
  const itemPath = plan.item === undefined ? path : `${path}/${plan.item}`;
  const out: unknown[] = [];
  elements.forEach((element, i) => {
    const value = readXmlValue(plan.of, element, `${itemPath}[${i + 1}]`);
    if (value !== undefined) {
      out.push(value);
    }
  });
  return out;
}

/** Reads the XmlMsg tree of a message into the JSON form (unknown elements ignored, fields normalised). */
export function readXmlMessage(plan: ObjectPlan, document: XmlNode): unknown {
  const msg = single(document.children.get('XmlMsg'), 'XmlMsg');
  if (msg === undefined) {
    throw new OqsError('xmlStructure', 'root element must be XmlMsg');
  }
  const element = elementOf(msg, 'XmlMsg');
  for (const part of plan.children) {
    if (single(element.children.get(part.tag), `XmlMsg/${part.tag}`) === undefined) {
      throw new OqsError('xmlStructure', `XmlMsg/${part.tag} is missing`);
    }
  }
  return readXmlObject(plan, msg, 'XmlMsg');
}

/** A value under `parent` at `key`; its path is put together only for an error or a nested object. */
function readJsonValue(plan: Plan, value: unknown, parent: Path, key: string | number): unknown {
  if (value === undefined || value === null) {
    return undefined;
  }
  switch (plan.kind) {
    case 'text':
      if (typeof value !== 'string') {
        throw new OqsError('fieldInvalid', `${pathOf(parent, key)} must be a string`);
      }
      return fieldValue(plan, value, parent, key);
    case 'object':
      return readJsonObject(plan, value, pathOf(parent, key));
    case 'list': {
      const path = pathOf(parent, key);
      const list: unknown[] = Array.isArray(value) ? value : [value];
      if (list.length > plan.maxItems) {
        throw new OqsError('tooManyElements', `${path}: more than ${plan.maxItems}`);
      }
      const out = list.map((v, i) => readJsonValue(plan.of, v, path, i)).filter((v) => v !== undefined);
      return out.length > 0 ? out : undefined;
    }
  }
}

function readJsonObject(plan: ObjectPlan, value: unknown, path: Path): Record<string, unknown> {
  if (!isXmlElementLike(value)) {
    throw new OqsError('jsonMalformed', `${path} must be an object`);
  }
  const out: Record<string, unknown> = {};
  for (const child of plan.children) {
    const v = readJsonValue(child, value[child.field], path, child.field);
    if (v !== undefined) {
      out[child.field] = v;
    }
  }
  return out;
}

function isXmlElementLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the JSON form with the same normalisation as XML (widths folded, padding trimmed, lists tolerated). */
export function readJsonMessage(plan: ObjectPlan, value: unknown): unknown {
  if (!isXmlElementLike(value)) {
    throw new OqsError('jsonMalformed', 'body must be a JSON object');
  }
  return readJsonObject(plan, value, '');
}

// ------------------------------------------------------------------------------------------------------------
// Writing

// Control characters XML 1.0 cannot carry are matched on purpose, to drop them.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeChar(c: string): string {
  if (c === '&') {
    return '&amp;';
  }
  if (c === '<') {
    return '&lt;';
  }
  if (c === '>') {
    return '&gt;';
  }
  // Characters XML 1.0 cannot carry at all are dropped.
  return '';
}

/** Escapes text for an XML element; control characters XML cannot carry are removed. */
export function escapeXml(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, escapeChar) : s;
}

/** A compiled writer: value → XML fragment. */
export type Writer = (value: unknown, encoding: XmlEncoding) => string;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** How a writer is compiled. */
export interface WriterOptions {
  /** Responses: CharacterCodeIdentifier states the encoding actually written, whatever the caller filled in. */
  stateEncoding: boolean;
}

function compileValueWriter(plan: TextPlan | ObjectPlan, tag: string, options: WriterOptions): Writer {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  if (plan.kind === 'text') {
    if (plan.field === 'characterCodeIdentifier' && options.stateEncoding) {
      return (_value, encoding) => `${open}${characterCodeIdentifierOf(encoding)}${close}`;
    }
    if (plan.wire === 'insurerNumber') {
      return (value) =>
        typeof value === 'string' && value !== '' ? open + wireInsurerNumber(escapeXml(value)) + close : '';
    }
    return (value) => (typeof value === 'string' && value !== '' ? open + escapeXml(value) + close : '');
  }
  const children = plan.children.map((child) => ({ field: child.field, write: compileWriter(child, options) }));
  const hasSegment = plan.children.some((c) => c.field === 'segmentOfResult');
  return (value, encoding) => {
    if (!isRecord(value)) {
      return '';
    }
    const normal = hasSegment && value['segmentOfResult'] === '1';
    let s = open;
    for (const child of children) {
      if (normal && (child.field === 'errorCode' || child.field === 'errorMessage')) {
        // ErrorCode/ErrorMessage only when SegmentOfResult ≠ 1 (oqs-interface.md §2).
        continue;
      }
      s += child.write(value[child.field], encoding);
    }
    return s + close;
  };
}

/** Compiles a plan into a writer; done once per message kind, then reused for every response. */
export function compileWriter(plan: Plan, options: WriterOptions): Writer {
  if (plan.kind !== 'list') {
    return compileValueWriter(plan, plan.tag, options);
  }
  const item = compileValueWriter(plan.of, plan.of.tag, options);
  if (plan.item === undefined) {
    return (value, encoding) => {
      if (!Array.isArray(value)) {
        return '';
      }
      let s = '';
      for (const v of value) {
        s += item(v, encoding);
      }
      return s;
    };
  }
  const open = `<${plan.tag}>`;
  const close = `</${plan.tag}>`;
  return (value, encoding) => {
    if (!Array.isArray(value) || value.length === 0) {
      return '';
    }
    let s = open;
    for (const v of value) {
      s += item(v, encoding);
    }
    return s + close;
  };
}
