#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Reads a Prometheus text file with the parser of the official Python
client (Debian's python3-prometheus-client,
prometheus_client.parser.text_string_to_metric_families), one twtop's
tests did not write, and returns the families in the shape
tests/prom_parse.py gives them, so the same checks run on both.

Usage: prom_client.py FILE [--prefix twtop_] [--compare]
Exit 0 when FILE parses into typed, documented families (and with
--compare, when prom_parse.py reads the same families, types, help texts
and samples from it), 1 with one line per problem, 77 when python3 has no
prometheus_client module.
"""
import math
import os
import sys


class Family:
    def __init__(self, name, typ, help_text, samples):
        self.name = name
        self.type = typ
        self.help = help_text
        self.samples = samples      # (sample name, {label: value}, float)


def available():
    """True when the prometheus_client parser can be imported."""
    try:
        import prometheus_client.parser  # noqa: F401
    except ImportError:
        return False
    return True


def parse(text, prefix=''):
    """(families by name, [reasons]). The client's parser is lax (a sample
    of no open family becomes an untyped family of its own, a family seen
    twice comes out twice), so those come back as problems here."""
    from prometheus_client.parser import text_string_to_metric_families
    fams, errors = {}, []
    try:
        parsed = list(text_string_to_metric_families(text))
    except Exception as e:          # ValueError and friends: a bad line
        return {}, ['the client parser rejects the text: %r' % e]
    for m in parsed:
        # the client names a counter family without its _total
        name = m.name + '_total' if m.type == 'counter' else m.name
        if name in fams:
            errors.append('family %s comes twice' % name)
            continue
        if m.type not in ('counter', 'gauge'):
            errors.append('%s is %s (a sample outside its family, or no '
                          'TYPE line)' % (name, m.type))
        if not m.documentation:
            errors.append('%s has no HELP text' % name)
        if not name.startswith(prefix):
            errors.append('%s does not start with %s' % (name, prefix))
        for s in m.samples:
            if s.timestamp is not None:
                errors.append('%s has a timestamp' % s.name)
        fams[name] = Family(name, m.type, m.documentation,
                            [(s.name, dict(s.labels), float(s.value))
                             for s in m.samples])
    return fams, errors


def load(path, prefix=''):
    with open(path, encoding='utf-8') as f:
        return parse(f.read(), prefix)


def same_value(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def compare(theirs, ours):
    """Where prom_parse's families differ from the client's."""
    problems = []
    if sorted(theirs) != sorted(ours):
        problems.append('families differ: only the client: %s; only '
                        'prom_parse: %s' %
                        (sorted(set(theirs) - set(ours)),
                         sorted(set(ours) - set(theirs))))
    for name in sorted(set(theirs) & set(ours)):
        a, b = theirs[name], ours[name]
        if a.type != b.type:
            problems.append('%s: type %s, prom_parse %s' %
                            (name, a.type, b.type))
        if a.help != b.help:
            problems.append('%s: help %r, prom_parse %r' %
                            (name, a.help, b.help))
        sa = sorted((n, sorted(l.items())) for n, l, _ in a.samples)
        sb = sorted((n, sorted(l.items())) for n, l, _ in b.samples)
        if sa != sb:
            problems.append('%s: series differ' % name)
            continue
        vb = {(n, tuple(sorted(l.items()))): v for n, l, v in b.samples}
        for n, l, v in a.samples:
            w = vb[(n, tuple(sorted(l.items())))]
            if not same_value(v, w):
                problems.append('%s%s: %r, prom_parse %r' % (n, l, v, w))
    return problems


def main(argv):
    args = argv[1:]
    want_compare = '--compare' in args
    args = [a for a in args if a != '--compare']
    prefix = ''
    if len(args) == 3 and args[1] == '--prefix':
        prefix = args[2]
        args = args[:1]
    if len(args) != 1:
        print('usage: prom_client.py FILE [--prefix PREFIX] [--compare]',
              file=sys.stderr)
        return 2
    if not available():
        # not "SKIP:": callers try other interpreters and say why they skip
        print('prom_client.py: %s has no prometheus_client module (Debian: '
              'python3-prometheus-client)' % sys.executable, file=sys.stderr)
        return 77
    # read once: both parsers see the same text even if the file is
    # replaced meanwhile
    with open(args[0], encoding='utf-8') as f:
        text = f.read()
    fams, problems = parse(text, prefix)
    if not fams and not problems:
        problems.append('no metrics')
    if want_compare:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import prom_parse
        ours, errs = prom_parse.parse(text, prefix)
        problems += ['prom_parse: %d: %s' % e for e in errs]
        problems += compare(fams, ours)
    for p in problems:
        print('%s: %s' % (args[0], p))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
