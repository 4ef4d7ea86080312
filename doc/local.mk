## doc/: man pages.
dist_man_MANS += doc/weir.1
dist_man_MANS += doc/weir-test.1
dist_man_MANS += doc/weir.yaml.5
dist_man_MANS += doc/weir-rules.5
dist_man_MANS += doc/weir-import.1
EXTRA_DIST += doc/mta.md
