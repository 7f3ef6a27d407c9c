import fs from 'fs';
import path from 'path';
import { parse as parseYaml } from 'yaml';

const schemas = parseYaml(fs.readFileSync(path.resolve(__dirname, '../../openapi.yaml'), 'utf8')).components.schemas;

/**
 * Where a response differs from the object schema openapi.yaml documents for
 * it: fields not documented, required fields missing, enums not kept.
 */
export function shapeProblems(schemaName: string, value: object): string[] {
  const schema = schemas[schemaName];
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!(key in schema.properties)) problems.push(`${schemaName}.${key} is not documented`);
  }
  for (const key of schema.required ?? []) {
    if (!(key in value)) problems.push(`${schemaName}.${key} is required but missing`);
  }
  for (const [key, prop] of Object.entries<any>(schema.properties)) {
    const ref: string | undefined = prop.$ref ?? prop.items?.$ref;
    const target = ref ? schemas[ref.split('/').pop()!] : undefined;
    if (!(key in value) || !target) continue;
    const field = (value as Record<string, unknown>)[key];
    const values = prop.items ? (field as unknown[]) : [field];
    for (const v of values) {
      if (target.enum && !target.enum.includes(v)) problems.push(`${schemaName}.${key}: ${v} is not in the enum`);
      if (target.properties) problems.push(...shapeProblems(ref!.split('/').pop()!, v as object));
    }
  }
  return problems;
}
