import { Template } from 'aws-cdk-lib/assertions';

/** One metric a dashboard graph draws, its dimension values as `Ref:<id>`, `GetAtt:<id>.<attribute>` or literal text. */
export interface DashboardMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

/** A dashboard widget: its type and title. */
export interface DashboardWidget {
  readonly type: string;
  readonly title: string;
}

type Token = { Ref: string } | { 'Fn::GetAtt': [string, string] };

/**
 * The dashboard's body as CloudWatch would read it, with every reference CloudFormation resolves at deployment written
 * as `Ref:<id>` or `GetAtt:<id>.<attribute>`.
 */
export function dashboardBody(template: Template): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  if (dashboards.length !== 1) {
    throw new Error(`expected one dashboard, found ${dashboards.length}`);
  }
  return JSON.parse(renderValue(dashboards[0].Properties.DashboardBody));
}

/**
 * A template value as text, with each `Ref` written as `Ref:<id>` and each `Fn::GetAtt` as `GetAtt:<id>.<attribute>`
 * (no quotes, as such a token may sit inside a JSON string), and `Fn::Join` joined.
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const token = value as Token | { 'Fn::Join': [string, unknown[]] };
  if ('Ref' in token) {
    return `Ref:${token.Ref}`;
  }
  if ('Fn::GetAtt' in token) {
    return `GetAtt:${token['Fn::GetAtt'].join('.')}`;
  }
  if ('Fn::Join' in token) {
    const [separator, parts] = token['Fn::Join'];
    // Joining what was split replaces one separator with another: written as Replace(<from>,<to>,<value>).
    if (!Array.isArray(parts) && 'Fn::Split' in (parts as object)) {
      const [from, splitValue] = (parts as { 'Fn::Split': [string, unknown] })['Fn::Split'];
      return `Replace(${from},${separator},${renderValue(splitValue)})`;
    }
    return (parts as unknown[]).map(renderValue).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** Every widget of the dashboard, in order. */
export function dashboardWidgets(template: Template): DashboardWidget[] {
  return dashboardBody(template).widgets.map(widget => ({ type: widget.type, title: String(widget.properties.title) }));
}

/**
 * Every metric the dashboard's graphs draw, math expressions' inputs included. A metric row is
 * `[namespace, name, dimension, value, ..., options?]`; an expression row is `[{ expression, ... }]`.
 */
export function dashboardMetrics(template: Template): DashboardMetric[] {
  return dashboardBody(template).widgets
    .filter(widget => widget.type === 'metric')
    .flatMap(widget => (widget.properties.metrics as unknown[][]).map(row => ({ widget: String(widget.properties.title), row })))
    .filter(({ row }) => typeof row[0] === 'string')
    .map(({ widget, row }) => {
      const [namespace, metricName, ...rest] = row;
      const pairs = rest.filter(item => typeof item === 'string') as string[];
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < pairs.length; i += 2) {
        dimensions[pairs[i]] = pairs[i + 1];
      }
      return { widget, namespace: namespace as string, metricName: metricName as string, dimensions };
    });
}
