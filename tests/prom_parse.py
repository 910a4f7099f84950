#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An independent checker of the Prometheus text exposition format 0.0.4,
as node_exporter's textfile collector reads it, plus twtop's own contract.

Usage: prom_parse.py FILE [--prefix twtop_]
Exit 0 when FILE is valid, 1 with one "FILE:LINE: reason" per problem.
Imported, parse(text) returns (families, errors).

The format (prometheus.io/docs/instrumenting/exposition_formats):
  # HELP name docstring       docstring escapes: \\ and \n
  # TYPE name counter|gauge|histogram|summary|untyped
  name{label="value",...} value [timestamp]
  label values escape \\ \" and \n; anything else after a backslash is an
  error; metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  [a-zA-Z_][a-zA-Z0-9_]* (a leading __ is reserved); all lines of one
  family form one group; the last line ends with a newline.
Checked beyond the grammar, because the collector or Prometheus reject it
or twtop promises it: no timestamps (the textfile collector refuses a file
with one), no series twice, the same label names on every series of a
family, HELP and TYPE before the first sample of every family, _total on
counters and only on counters, every family has a sample, every name
starts with the prefix.
"""
import math
import re
import sys

METRIC_RE = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL_RE = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
FLOAT_RE = re.compile(r'[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$')
SPECIAL = {'nan': math.nan, '+inf': math.inf, 'inf': math.inf,
           '-inf': -math.inf}
TYPES = ('counter', 'gauge', 'histogram', 'summary', 'untyped')


class Family:
    def __init__(self, name):
        self.name = name
        self.help = None
        self.type = None
        self.samples = []       # (sample name, {label: value}, float)
        self.label_names = None


class ParseError(Exception):
    pass


def unescape(s, pos, allowed, stop):
    """Reads from s[pos] up to the unescaped character stop (None: end of
    s); returns (text, index after the stop)."""
    out = []
    while pos < len(s):
        c = s[pos]
        if stop is not None and c == stop:
            return ''.join(out), pos + 1
        if c == '\\':
            if pos + 1 >= len(s) or s[pos + 1] not in allowed:
                raise ParseError('invalid escape sequence %r' %
                                 s[pos:pos + 2])
            out.append('\n' if s[pos + 1] == 'n' else s[pos + 1])
            pos += 2
            continue
        if c == '\n':
            raise ParseError('newline inside a value')
        out.append(c)
        pos += 1
    if stop is not None:
        raise ParseError('unterminated label value')
    return ''.join(out), pos


def parse_value(tok):
    if tok.lower() in SPECIAL:
        return SPECIAL[tok.lower()]
    if not FLOAT_RE.match(tok):
        raise ParseError('bad sample value %r' % tok)
    return float(tok)


def parse_labels(line, pos):
    """Parses {a="b",...} starting at line[pos] == '{'."""
    labels = {}
    pos += 1
    while True:
        while pos < len(line) and line[pos] in ' \t':
            pos += 1
        if pos < len(line) and line[pos] == '}':
            return labels, pos + 1
        m = LABEL_RE.match(line, pos)
        if not m:
            raise ParseError('bad label name at column %d' % (pos + 1))
        name = m.group(0)
        if name.startswith('__'):
            raise ParseError('reserved label name %r' % name)
        if name in labels:
            raise ParseError('label %r twice' % name)
        pos = m.end()
        while pos < len(line) and line[pos] in ' \t':
            pos += 1
        if line[pos:pos + 2] != '="':
            raise ParseError('expected =" after label %r' % name)
        labels[name], pos = unescape(line, pos + 2, '\\"n', '"')
        while pos < len(line) and line[pos] in ' \t':
            pos += 1
        if pos < len(line) and line[pos] == ',':
            pos += 1
        elif pos < len(line) and line[pos] == '}':
            return labels, pos + 1
        else:
            raise ParseError('expected , or } after label %r' % name)


def family_of(name, fams):
    """The family a sample name belongs to (histogram and summary samples
    carry _bucket, _sum and _count suffixes)."""
    for suf in ('_bucket', '_sum', '_count'):
        base = name[:-len(suf)]
        if name.endswith(suf) and base in fams and \
                fams[base].type in ('histogram', 'summary'):
            return base
    return name


def parse_comment(line, fams, state):
    parts = line[1:].lstrip(' \t').split(None, 1)
    if not parts or parts[0] not in ('HELP', 'TYPE'):
        return                                  # a plain comment
    kind = parts[0]
    rest = parts[1] if len(parts) > 1 else ''
    m = METRIC_RE.match(rest)
    if not m:
        raise ParseError('bad metric name in %s line' % kind)
    name = m.group(0)
    after = rest[m.end():]
    if after and after[0] not in ' \t':
        raise ParseError('bad metric name in %s line' % kind)
    after = after.lstrip(' \t')
    fam = enter_family(name, fams, state)
    if kind == 'HELP':
        if fam.help is not None:
            raise ParseError('second HELP line for %s' % name)
        fam.help, _ = unescape(after, 0, '\\n', None)
    else:
        if fam.type is not None:
            raise ParseError('second TYPE line for %s' % name)
        if fam.samples:
            raise ParseError('TYPE line for %s after its samples' % name)
        if after.strip() not in TYPES:
            raise ParseError('unknown type %r for %s' % (after, name))
        fam.type = after.strip()


def enter_family(name, fams, state):
    """Makes name the current family; a family may not come back once
    another one has started."""
    if state['cur'] != name:
        if name in fams:
            raise ParseError('family %s is not contiguous' % name)
        fams[name] = Family(name)
        state['cur'] = name
    return fams[name]


def parse_sample(line, fams, state, seen):
    m = METRIC_RE.match(line)
    if not m:
        raise ParseError('bad metric name')
    name = m.group(0)
    pos = m.end()
    labels = {}
    if pos < len(line) and line[pos] == '{':
        labels, pos = parse_labels(line, pos)
    toks = line[pos:].split()
    if not toks or (line[pos:pos + 1] not in (' ', '\t')):
        raise ParseError('expected a blank and a value after %s' % name)
    if len(toks) > 2:
        raise ParseError('trailing text after the value')
    value = parse_value(toks[0])
    if len(toks) == 2:
        if not re.match(r'-?[0-9]+$', toks[1]):
            raise ParseError('bad timestamp %r' % toks[1])
        raise ParseError('sample has a timestamp (the textfile collector '
                         'rejects the whole file)')
    fname = family_of(name, fams)
    fam = enter_family(fname, fams, state)
    key = (name, tuple(sorted(labels.items())))
    if key in seen:
        raise ParseError('series %s%s twice' % (name, labels))
    seen.add(key)
    names = tuple(sorted(labels))
    if fam.label_names is None:
        fam.label_names = names
    elif fam.label_names != names:
        raise ParseError('label names %s differ from %s in family %s' %
                         (list(names), list(fam.label_names), fname))
    fam.samples.append((name, labels, value))
    return fam


def check_family(fam, prefix, where, errors):
    def err(msg):
        errors.append((where.get(fam.name, 0), msg))
    if fam.help is None:
        err('%s has no HELP line' % fam.name)
    if fam.type is None:
        err('%s has no TYPE line' % fam.name)
    if not fam.samples:
        err('%s has no samples' % fam.name)
    if fam.type == 'counter' and not fam.name.endswith('_total'):
        err('counter %s does not end in _total' % fam.name)
    if fam.type != 'counter' and fam.name.endswith('_total'):
        err('%s ends in _total but is a %s' % (fam.name, fam.type))
    if not fam.name.startswith(prefix):
        err('%s does not start with %s' % (fam.name, prefix))
    if fam.type == 'counter':
        for _, labels, v in fam.samples:
            if not (v >= 0):
                err('counter %s%s is %r' % (fam.name, labels, v))


def parse(text, prefix=''):
    """Returns (families by name, [(line number, reason)])."""
    fams, errors, seen, where = {}, [], set(), {}
    state = {'cur': None}
    if text and not text.endswith('\n'):
        errors.append((text.count('\n') + 1, 'no newline at the end'))
    for n, line in enumerate(text.split('\n'), 1):
        if line.strip() == '':
            continue
        try:
            if line.startswith('#'):
                parse_comment(line, fams, state)
            else:
                if line[0] in ' \t':
                    raise ParseError('leading blank')
                parse_sample(line, fams, state, seen)
            if state['cur'] is not None:
                where.setdefault(state['cur'], n)
        except ParseError as e:
            errors.append((n, str(e)))
    for fam in fams.values():
        check_family(fam, prefix, where, errors)
    errors.sort()
    return fams, errors


def load(path, prefix=''):
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        return {}, [(raw[:e.start].count(b'\n') + 1, 'not UTF-8: %s' % e)]
    return parse(text, prefix)


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != '--prefix'):
        print('usage: prom_parse.py FILE [--prefix PREFIX]', file=sys.stderr)
        return 2
    prefix = argv[3] if len(argv) == 4 else ''
    fams, errors = load(argv[1], prefix)
    for n, msg in errors:
        print('%s:%d: %s' % (argv[1], n, msg))
    if not errors and not fams:
        print('%s: no metrics' % argv[1])
        return 1
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
