#!/usr/bin/env sh
# Copies the templates a cluster can run (those that name a ready-made `image:`; templates with a
# `build:` section need their build folder and a Docker engine) from manifests/ into
# deploy/templates/ and writes the kustomization that turns them into the trainyard-templates
# ConfigMap. kustomize cannot read files outside deploy/, hence the copy. Run it after editing
# manifests/, then `kubectl apply -k deploy/` (the ConfigMap's name changes, so the bot restarts).
# Templates are *.yaml and *.yml files, as the bot reads them. A pipeline (a file with `steps:`)
# is copied once every template its steps run has been copied; otherwise it would only load broken.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../manifests"
dst="$here/templates"
mkdir -p "$dst"
rm -f "$dst"/*.yaml "$dst"/*.yml
files=""
pipelines=""
for file in "$src"/*.yaml "$src"/*.yml; do
  # A pattern that matches nothing stays as written.
  [ -f "$file" ] || continue
  name=$(basename "$file")
  if [ "$name" = kustomization.yaml ] || [ "$name" = kustomization.yml ]; then
    echo "skipped $name (the name kustomize keeps for itself; rename the template)"
  elif grep -q '^steps:' "$file"; then
    # Decided below, once every template is copied or not.
    pipelines="$pipelines$name
"
  elif grep -q '^image:' "$file" && ! grep -q '^build:' "$file"; then
    cp "$file" "$dst/$name"
    files="$files      - $name
"
    echo "copied $name"
  else
    echo "skipped $name (it builds its image; push the image and set image: to run it on the cluster)"
  fi
done
for name in $pipelines; do
  missing=""
  for template in $(grep -o "template:[[:space:]]*[\"']\\{0,1\\}[a-z0-9-]*" "$src/$name" | sed "s/template:[[:space:]]*[\"']\\{0,1\\}//"); do
    [ -f "$dst/$template.yaml" ] || [ -f "$dst/$template.yml" ] || missing="$missing $template"
  done
  if [ -z "$missing" ]; then
    cp "$src/$name" "$dst/$name"
    files="$files      - $name
"
    echo "copied $name (a pipeline)"
  else
    echo "skipped $name (a pipeline whose steps run templates that are not copied:$missing)"
  fi
done
if [ -z "$files" ]; then
  echo "no template can run on the cluster; the bot will start with none (and say so)"
  list="    files: []
"
else
  list="    files:
$files"
fi
cat > "$dst/kustomization.yaml" <<KUSTOMIZATION
# Written by deploy/sync-templates.sh from manifests/; do not edit by hand.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
configMapGenerator:
  - name: trainyard-templates
KUSTOMIZATION
printf '%s' "$list" >> "$dst/kustomization.yaml"
