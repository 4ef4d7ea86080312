## doc/: man pages.
dist_man_MANS += doc/weir.1
