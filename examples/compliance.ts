import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

/** The cdk-nag packs every pipeline is checked with, by the name they report under. */
export const NAG_PACKS = ['AwsSolutions', 'Serverless', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;
export type NagPack = typeof NAG_PACKS[number];

/** Registers all five cdk-nag 3 packs as validation plugins of the app. */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new NIST80053R5Checks(app),
    new HIPAASecurityChecks(app),
    new PCIDSS321Checks(app),
  );
}

/** One unacknowledged finding of a pack. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/** One acknowledgement recorded with `Validations.of(construct).acknowledge(...)`. */
export interface Acknowledgement {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

/** What compliance checking says about one stack. */
export interface StackCompliance {
  readonly stackName: string;
  readonly resources: number;
  readonly findings: Finding[];
  readonly acknowledgements: Acknowledgement[];
}

/**
 * Synthesizes the app. cdk-nag makes synthesis throw after it has written the templates and the validation
 * report when a pack reports an error; that outcome is expected here and read from the report instead.
 */
export function synthesizeAllowingFindings(app: App): void {
  try {
    app.synth();
  } catch (error) {
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) {
      throw error;
    }
  }
}

/** Reads findings and acknowledgements of the given stacks from a synthesized cloud assembly folder. */
export function readCompliance(outdir: string, stackNames: string[]): StackCompliance[] {
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')) : { pluginReports: [] };
  const findings: Finding[] = [];
  for (const pluginReport of report.pluginReports ?? []) {
    for (const violation of pluginReport.violations ?? []) {
      for (const construct of violation.violatingConstructs ?? []) {
        findings.push({ pack: pluginReport.pluginName, rule: violation.ruleName, severity: violation.severity, path: construct.constructPath });
      }
    }
  }
  return stackNames.map(stackName => {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf-8'));
    const metadata = JSON.parse(fs.readFileSync(path.join(outdir, `${stackName}.metadata.json`), 'utf-8'));
    const acknowledgements: Acknowledgement[] = [];
    for (const [constructPath, entries] of Object.entries<Array<{ type: string; data: Record<string, string> }>>(metadata)) {
      for (const entry of entries.filter(e => e.type === 'aws:cdk:acknowledged-rules')) {
        for (const [rule, reason] of Object.entries(entry.data)) {
          acknowledgements.push({ rule: rule.replace(/^Annotation::/, ''), path: constructPath.replace(/^\//, ''), reason });
        }
      }
    }
    return {
      stackName,
      resources: Object.keys(template.Resources ?? {}).length,
      findings: findings.filter(finding => finding.path.startsWith(`${stackName}/`)),
      acknowledgements,
    };
  });
}

/** The pack an acknowledged rule id belongs to, e.g. `AwsSolutions-IAM5[Resource::*]` -> `AwsSolutions`. */
export function packOfRule(rule: string): string {
  return NAG_PACKS.find(pack => rule.startsWith(`${pack}-`)) ?? 'other';
}

/** A plain-text table: one row per pack, errors / warnings / acknowledgements. */
export function formatCompliance(stack: StackCompliance): string {
  const rows = NAG_PACKS.map(pack => {
    const ofPack = stack.findings.filter(finding => finding.pack === pack);
    return [
      pack,
      String(ofPack.filter(finding => finding.severity === 'error').length),
      String(ofPack.filter(finding => finding.severity !== 'error').length),
      String(stack.acknowledgements.filter(ack => packOfRule(ack.rule) === pack).length),
    ];
  });
  const header = ['pack', 'errors', 'warnings', 'acknowledged'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [
    `${stack.stackName}: ${stack.resources} resources`,
    `  ${line(header)}`,
    ...rows.map(row => `  ${line(row)}`),
  ].join('\n');
}

/**
 * The register of every acknowledgement, one markdown table per stack (rule, finding, construct path, reason), sorted
 * so that the same synthesis always gives the same text: committed as ACKNOWLEDGEMENTS.md, where a change shows in
 * review.
 */
export function formatAcknowledgements(stacks: StackCompliance[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const sections = stacks.map(stack => {
    const rows = [...new Set(stack.acknowledgements.map(ack => {
      const [, rule, finding] = /^([^[]+)(?:\[(.*)\])?$/.exec(ack.rule)!;
      return `| ${cell(rule)} | ${finding === undefined ? '' : `\`${cell(finding)}\``} | ${cell(ack.path)} | ${cell(ack.reason)} |`;
    }))].sort();
    return [`## ${stack.stackName} (${rows.length})`, '', '| rule | finding | construct path | reason |', '|---|---|---|---|', ...rows].join('\n');
  });
  return [
    '# Acknowledged findings',
    '',
    'Every cdk-nag and CloudFormation validation finding the example stacks acknowledge, with its reason. Generated by',
    '`test/compliance.test.ts`, which fails when this file is out of date (and rewrites it outside CI): review the',
    'difference, then commit it.',
    '',
    ...sections.map(section => `${section}\n`),
  ].join('\n');
}
