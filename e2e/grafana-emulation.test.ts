// The suite's emulation of Grafana's query preparation, checked against what Grafana sends.
import { describe, expect, it } from 'vitest';
import { formatVariable, interpolate, parseLabelValues, selectedMetrics, type TemplateVariable, timeContext } from './lib/grafana.js';

const multi: TemplateVariable = { name: 'instance', type: 'query', query: '', multi: true, includeAll: true, allValue: '.+' };
const single: TemplateVariable = { name: 'service', type: 'query', query: '', multi: false, includeAll: false, allValue: undefined };

describe('Grafana emulation', () => {
  it('formats multi-value selections as an escaped regex alternation, All as allValue', () => {
    expect(formatVariable(multi, { values: ['127.0.0.1:9100'] })).toBe('127\\\\.0\\\\.0\\\\.1:9100');
    expect(formatVariable(multi, { values: ['a', 'b.c'] })).toBe('(a|b\\\\.c)');
    expect(formatVariable(multi, { all: true, options: ['a', 'b'] })).toBe('.+');
    expect(formatVariable({ ...multi, allValue: undefined }, { all: true, options: ['a', 'b'] })).toBe('(a|b)');
    expect(formatVariable(single, { values: ['checkout-api'] })).toBe('checkout-api');
  });

  it('the escaped value still selects the instance in PromQL (a regex matcher inside a string)', () => {
    const expr = `up{instance=~"${formatVariable(multi, { values: ['127.0.0.1:9100'] })}"}`;
    // In the PromQL string literal "\\." is the regex \. : a literal dot.
    expect(expr).toBe('up{instance=~"127\\\\.0\\\\.0\\\\.1:9100"}');
    expect(selectedMetrics(expr)).toEqual(['up']);
  });

  it('derives $__interval and $__rate_interval as Grafana does', () => {
    expect(timeContext(0, 300, 1)).toEqual({ from: 0, to: 300, interval: 1, rateInterval: 4 });
    // 6 h over 1000 points = 21.6 s → rounded to 20 s; rate interval = max(20 + 15, 4 × 15) = 60 s.
    expect(timeContext(0, 6 * 3600, 15)).toMatchObject({ interval: 20, rateInterval: 60 });
    expect(timeContext(0, 6 * 3600, 1)).toMatchObject({ interval: 20, rateInterval: 21 });
  });

  it('substitutes macros and every variable form, and refuses unknown variables', () => {
    const t = timeContext(0, 300, 1);
    const vars = new Map([['service', 'api']]);
    const braced = ['$', '{service}'].join('');
    expect(interpolate(`rate(x{service=~"$service"}[$__rate_interval]) + ${braced} + [[service]] + $__range_s`, vars, t)).toBe('rate(x{service=~"api"}[4s]) + api + api + 300');
    expect(interpolate('label_replace(up, "host", "$1", "instance", "(.+):[0-9]+")', vars, t)).toContain('"$1"');
    expect(() => interpolate('x{queue=~"$queue"}', vars, t)).toThrow(/unknown variable \$queue/);
  });

  it('parses label_values() variable queries', () => {
    expect(parseLabelValues('label_values(service_up, service)')).toEqual({ match: 'service_up', label: 'service' });
    expect(parseLabelValues('label_values(worker_queue_size{service=~"$service"}, queue)')).toEqual({ match: 'worker_queue_size{service=~"$service"}', label: 'queue' });
    expect(parseLabelValues('label_values(job)')).toEqual({ label: 'job' });
    expect(() => parseLabelValues('query_result(up)')).toThrow(/unsupported/);
  });
});
