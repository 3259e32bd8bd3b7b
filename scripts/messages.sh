#!/usr/bin/env bash
# Cập nhật và biên dịch các tệp bản dịch (locale/*/LC_MESSAGES/django.po -> .mo).
# Updates and compiles the translation catalogues.
#
#   scripts/messages.sh            update both catalogues, compile them, list what is left to translate
#   scripts/messages.sh --check    the same, but exit 1 if any entry is untranslated or fuzzy
#   scripts/messages.sh --compile  only compile the .po files into .mo (no extraction)
#
# Our own source strings (msgids) are Vietnamese, so the two catalogues hold different things:
#   locale/en  English for OUR strings: `manage.py makemessages -l en` over the project.
#   locale/vi  Vietnamese for django-unfold's strings (unfold ships no catalogues): the msgids are
#              extracted from the installed unfold package and merged into the existing file, so
#              translations already made are kept and unfold upgrades show up as new entries.
#              Our own (Vietnamese) msgids are never put in this catalogue.
# New or changed strings come out empty or marked "#, fuzzy" (a guess from a similar old string):
# translate them, delete the "#, fuzzy" line, then run `scripts/messages.sh --compile` (or the whole
# script again). Fuzzy and empty entries are not compiled: the page shows the msgid instead.
# The .mo files are committed, because a fresh machine may lack GNU gettext.
# Needs GNU gettext (msgmerge, msgattrib, msgfmt, xgettext): `apt-get install gettext`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
# Absolute, so that it still works from the temporary directory below (symlinks left alone: a venv).
if [[ $PY == */* && -x $PY ]]; then PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")"; fi
MODE=update
case "${1:-}" in
  "") ;;
  --check) MODE=check ;;
  --compile) MODE=compile ;;
  -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
  *) echo "Tham số không hợp lệ / unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

if [[ ! -x "$PY" ]]; then
  echo "Không thấy $PY: hãy chạy \`make install\` trước. / $PY not found: run \`make install\` first." >&2
  exit 2
fi
for tool in msgmerge msgattrib msgfmt xgettext; do
  if ! command -v "$tool" >/dev/null; then
    echo "Thiếu GNU gettext ($tool): apt-get install gettext / GNU gettext is missing ($tool)." >&2
    exit 2
  fi
done

EN_PO=locale/en/LC_MESSAGES/django.po
VI_PO=locale/vi/LC_MESSAGES/django.po

if [[ $MODE != compile ]]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  # Kept to undo a run that changed nothing but the POT-Creation-Date line (no churn in git).
  for po in "$EN_PO" "$VI_PO"; do
    if [[ -f $po ]]; then cp -p "$po" "$WORK/$(basename "$(dirname "$(dirname "$po")")").before.po"; fi
  done

  # --- en: our own strings --------------------------------------------------------------------------
  "$PY" manage.py makemessages -l en --no-obsolete -v 0 \
    --ignore=.venv --ignore=var --ignore=staticfiles --ignore=node_modules --ignore=test-artifacts

  # --- vi: django-unfold's strings ------------------------------------------------------------------
  UNFOLD_DIR=$("$PY" -c 'import os, unfold; print(os.path.dirname(unfold.__file__))')
  UNFOLD_VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("django-unfold"))')
  # A copy without static files and caches, so that paths in the catalogue read "unfold/...".
  mkdir -p "$WORK/locale"
  cp -r "$UNFOLD_DIR" "$WORK/unfold"
  rm -rf "$WORK/unfold/static"
  find "$WORK/unfold" -name __pycache__ -prune -exec rm -rf {} +
  # No project settings here: makemessages configures Django by itself.
  (cd "$WORK" && env -u DJANGO_SETTINGS_MODULE "$PY" -m django makemessages -l vi -v 0)
  mkdir -p "$(dirname "$VI_PO")"
  if [[ -f $VI_PO ]]; then
    msgmerge -q --previous "$VI_PO" "$WORK/locale/vi/LC_MESSAGES/django.po" -o "$WORK/merged.po"
    msgattrib --no-obsolete "$WORK/merged.po" -o "$VI_PO"
  else
    cp "$WORK/locale/vi/LC_MESSAGES/django.po" "$VI_PO"
  fi
  echo "unfold $UNFOLD_VERSION: $(($(grep -c '^msgid ' "$WORK/locale/vi/LC_MESSAGES/django.po") - 1)) msgid"

  for po in "$EN_PO" "$VI_PO"; do
    before="$WORK/$(basename "$(dirname "$(dirname "$po")")").before.po"
    if [[ -f $before ]] && cmp -s <(grep -v '^"POT-Creation-Date:' "$before") <(grep -v '^"POT-Creation-Date:' "$po"); then
      cp -p "$before" "$po"
    fi
  done
fi

# --- compile ----------------------------------------------------------------------------------------
"$PY" manage.py compilemessages --ignore=.venv --ignore=var --ignore=staticfiles --ignore=node_modules -v 0

# --- what is left to translate -------------------------------------------------------------------------
# Prints the msgids of the untranslated and fuzzy entries of a catalogue (header left out).
pending() {
  (msgattrib --untranslated --no-obsolete --no-location --no-wrap "$1"
   msgattrib --only-fuzzy --no-obsolete --no-location --no-wrap "$1") 2>/dev/null \
    | awk '/^msgid "/ { if ($0 == "msgid \"\"") { getline nxt; if (nxt ~ /^"/) print nxt } else print substr($0, 7) }'
}
left=0
for po in "$EN_PO" "$VI_PO"; do
  [[ -f $po ]] || continue
  echo "$po: $(msgfmt --statistics -o /dev/null "$po" 2>&1)"
  n=$(pending "$po" | wc -l)
  if [[ $n -gt 0 ]]; then
    left=$((left + n))
    echo "  còn $n mục chưa dịch hoặc fuzzy / $n entries untranslated or fuzzy:"
    pending "$po" | awk 'NR <= 50 { print "    " $0 } END { if (NR > 50) print "    …" }'
  fi
done
if [[ $MODE == check && $left -gt 0 ]]; then
  echo "LỖI: còn $left mục chưa dịch. / ERROR: $left entries left to translate." >&2
  exit 1
fi
