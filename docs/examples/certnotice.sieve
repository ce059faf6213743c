# Dovecot Pigeonhole: run certnotice as a filter (vnd.dovecot.filter) and file
# by verdict (tests/sieve.sh runs this file under dovecot-lda).  Debian:
# apt install dovecot-sieve; in 90-sieve.conf / 90-sieve-extprograms.conf:
#   sieve_plugins = sieve_extprograms
#   sieve_extensions = +vnd.dovecot.filter
#   sieve_filter_bin_dir = /etc/dovecot/sieve-filter
# and link /etc/dovecot/sieve-filter/certnotice to a wrapper script that runs
#   exec /usr/bin/certnotice filter --timeout 10
# (sieve_filter_exec_timeout defaults to 10 s: keep --timeout within it).
require ["vnd.dovecot.filter", "fileinto", "variables", "mailbox"];

filter "certnotice";

if header :matches "X-Certnotice-Verdict" "*" {
  set :lower "verdict" "${1}";
  if string :is "${verdict}" ["action-required", "expired", "suspicious"] {
    fileinto :create "Certnotice/${verdict}";
    stop;
  }
  if string :is "${verdict}" "renewed" {
    fileinto :create "Certnotice/renewed";
    stop;
  }
}
