#!/bin/sh
# The BibTeX tests run the real tools on .bib files: pdflatex, bibtex (with the standard styles
# such as plain.bst), biber and biblatex. Install them with apt if any is missing; say nothing
# when all are there.
#
# The smallest Debian 12 set that gives all of them, without recommended packages:
#   texlive-latex-base         pdflatex and the LaTeX format; pulls in texlive-binaries
#                              (pdftex, bibtex) and texlive-base (plain.bst and the other styles)
#   texlive-latex-recommended  etoolbox, which biblatex loads
#   texlive-bibtex-extra       biblatex.sty and logreq.sty: no smaller package ships biblatex
#   biber                      biblatex's backend, a Perl program: most of the packages pulled
#                              in are its Perl libraries
# Measured on this project's Debian 12 image: 130 packages, 145 MB to download, 344 MiB
# installed by their own count (texlive-bibtex-extra alone 134 MiB), about 440 MiB on disk with the
# formats and file lists built on install; 45 s, most of it unpacking and building formats.
set -e
have() { command -v "$1" >/dev/null 2>&1; }
found() { kpsewhich "$1" >/dev/null 2>&1; }
if have pdflatex && have bibtex && have biber && have kpsewhich \
    && found biblatex.sty && found etoolbox.sty && found plain.bst; then
    exit 0
fi
packages="texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber"
echo "Installing the TeX tools the BibTeX tests run: $packages"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
install() { $SUDO apt-get install -y -qq --no-install-recommends $packages >"$log" 2>&1; }
# Read the package lists first only when apt does not know the packages (a fresh image has no
# lists); lists that are there but stale show as a failed download: read them and try again.
if ! apt-cache show $packages >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi
if ! install; then
    $SUDO apt-get update -qq
    # dpkg's triggers (mktexlsr, fmtutil) print pages: show them only when the install fails.
    install || { cat "$log" >&2; exit 1; }
fi
