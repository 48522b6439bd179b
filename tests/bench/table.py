#!/usr/bin/python3
"""The benchmark table of docs/performance.md, from a run's results.

Every bench script appends one JSON object per figure to $BENCH_RESULTS
(tests/bench/README.md). This prints them as a Markdown table, one section
per bench, in the order they ran; with --update FILE it replaces the part
of FILE between the markers

    <!-- bench-table:start -->
    <!-- bench-table:end -->

    python3 tests/bench/table.py RESULTS.jsonl [--update docs/performance.md]
"""
import argparse
import json
import sys

START = '<!-- bench-table:start -->'
END = '<!-- bench-table:end -->'


def fmt(v):
    if isinstance(v, float):
        if abs(v) >= 100:
            return f'{v:.0f}'
        if abs(v) >= 10:
            return f'{v:.1f}'
        return f'{v:.2f}'.rstrip('0').rstrip('.') if v != int(v) else f'{int(v)}'
    return str(v)


def render(rows, header):
    out = [header, '']
    benches = []
    for r in rows:
        if r.get('bench') not in benches:
            benches.append(r.get('bench'))
    for b in benches:
        out += [f'**{b}**', '',
                '| figure | value | n | compared with | target | met |',
                '|---|---|---|---|---|---|']
        for r in rows:
            if r.get('bench') != b:
                continue
            met = r.get('met')
            out.append('| {} (`{}`) | {} {} | {} | {} | {} | {} |'.format(
                r.get('label', ''), r.get('id', ''), fmt(r.get('value')),
                r.get('unit', ''), r.get('n', ''),
                f"`{r['peer']}`" if r.get('peer') else '',
                r.get('target') or '',
                {True: 'yes', False: '**no**', None: ''}.get(met, str(met))))
        out.append('')
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('--update', metavar='FILE')
    ap.add_argument('--header', default='')
    a = ap.parse_args()
    rows = []
    with open(a.results) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f'{a.results}:{n}: not JSON ({e}), skipped', file=sys.stderr)
    text = render(rows, a.header)
    if not a.update:
        print(text)
        return 0
    doc = open(a.update).read()
    if START not in doc or END not in doc:
        print(f'{a.update}: no {START} ... {END} markers', file=sys.stderr)
        return 1
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    with open(a.update, 'w') as f:
        f.write(head + START + '\n' + text + '\n' + END + tail)
    print(f'{a.update}: {len(rows)} figures written')
    return 0


if __name__ == '__main__':
    sys.exit(main())
