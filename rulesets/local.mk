## rulesets/: the shipped rulesets, installed under $(pkgdatadir)/rulesets
## (/usr/share/weir/rulesets with prefix /usr), examples in examples/.
## Their suites and measure.sh are run from the source tree by
## tests/integration/rulesets.sh and measure.sh.

rulesetsdir = $(pkgdatadir)/rulesets
dist_rulesets_DATA = rulesets/system.rules rulesets/junk.rules rulesets/README.md \
	rulesets/demo.rules rulesets/weir.yaml.example
rulesetsexdir = $(pkgdatadir)/rulesets/examples
dist_rulesetsex_DATA = rulesets/examples/README.md \
	rulesets/examples/lists.rules rulesets/examples/plus.rules \
	rulesets/examples/vacation.rules rulesets/examples/fakebounce.rules \
	rulesets/examples/forward-copy.rules rulesets/examples/spamc.rules \
	rulesets/examples/program.rules rulesets/examples/procmailrc.rules \
	rulesets/examples/procmailrc.orig
