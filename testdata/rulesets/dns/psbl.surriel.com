# psbl.surriel.com (rbldnsd ip4trie), recorded answers (see README)
:127.0.0.2:Listed in PSBL, see http://psbl.org/listing?ip=$
127.0.0.2
