#!/usr/bin/env python3
"""parse_mail.py FILE reply|dsn -- parse a message weir composed with
Python's email package (an independent parser) and print what the shell
tests assert: every header field decoded ("H name: value"), parser
defects, and for a reply its body and type, for a DSN its parts and the
fields of the message/delivery-status blocks ("DS<n> name: value")."""
import email
import sys
from email import policy

with open(sys.argv[1], "rb") as fp:
    m = email.message_from_binary_file(fp, policy=policy.default)
mode = sys.argv[2]
for k, v in m.items():
    print(f"H {k}: {v}")
defects = list(m.defects)
if mode == "reply":
    print("TYPE", m.get_content_type(), m.get_content_charset())
    print("BODY", repr(m.get_content()))
elif mode == "dsn":
    print("TYPE", m.get_content_type(), m.get_param("report-type"))
    parts = list(m.iter_parts())
    print("PARTS", " ".join(p.get_content_type() for p in parts))
    for p in parts:
        defects += p.defects
    print("HUMAN", repr(parts[0].get_content()))
    for i, block in enumerate(parts[1].get_payload()):
        for k, v in block.items():
            print(f"DS{i} {k}: {v}")
    orig = parts[2].get_payload(decode=True).decode("utf-8", "replace")
    for line in orig.splitlines():
        print("ORIG", line)
print("DEFECTS", len(defects))
