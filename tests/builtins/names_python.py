#!/usr/bin/env python3
# names_python.py WEIR_JSONL FILE... -- compare the attachment file names
# `weir mime --format json` found (WEIR_JSONL, one object per file) with
# the names Python's email package (policy.default, a mainstream MIME
# library) decodes from the same files, part by part in document order.
# Prints "TOTAL AGREE" and one "# ..." line per disagreement.
# A name Python decodes with U+FFFD (bytes it could not decode) agrees
# with weir's name when the rest matches (weir reads such bytes as
# Latin-1, or UTF-8 where well-formed); uuencoded blocks, which Python
# does not see as parts, are left out of weir's side.
import email
import email.policy
import json
import re
import sys


def py_names(path):
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    names = []
    for part in msg.walk():
        try:
            n = part.get_filename()
        except Exception:
            n = None
        if n:
            names.append(n)
    return names


def agrees(pn, wn):
    if pn == wn:
        return True
    if '\ufffd' not in pn:
        return False
    pat = '^' + '.+?'.join(re.escape(x) for x in pn.split('\ufffd')) + '$'
    return re.match(pat, wn, re.S) is not None


weir = {}
with open(sys.argv[1], encoding='utf-8') as f:
    for line in f:
        if line.strip():
            d = json.loads(line)
            weir[d['file']] = [p['name'] for p in d['parts']
                               if p.get('name') and p['kind'] != 'uuencoded']
total = agree = 0
for path in sys.argv[2:]:
    try:
        names = py_names(path)
    except Exception:
        continue                # Python cannot read it: not counted
    left = list(weir.get(path, []))
    for n in names:
        total += 1
        for x in left:
            if agrees(n, x):
                agree += 1
                left.remove(x)
                break
        else:
            print('# %s: python %r, weir %r' % (path, n, weir.get(path, [])[:4]))
print(total, agree)
