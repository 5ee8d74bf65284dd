#!/usr/bin/env sh
# Copies the templates a cluster can run (those that name a ready-made `image:`; templates with a
# `build:` section need their build folder and a Docker engine) from manifests/ into
# deploy/templates/ and writes the kustomization that turns them into the trainyard-templates
# ConfigMap. kustomize cannot read files outside deploy/, hence the copy. Run it after editing
# manifests/, then `kubectl apply -k deploy/` (the ConfigMap's name changes, so the bot restarts).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../manifests"
dst="$here/templates"
rm -f "$dst"/*.yaml
files=""
for file in "$src"/*.yaml; do
  name=$(basename "$file")
  if grep -q '^image:' "$file" && ! grep -q '^build:' "$file"; then
    cp "$file" "$dst/$name"
    files="$files      - $name
"
    echo "copied $name"
  else
    echo "skipped $name (it builds its image; push the image and set image: to run it on the cluster)"
  fi
done
cat > "$dst/kustomization.yaml" <<KUSTOMIZATION
# Written by deploy/sync-templates.sh from manifests/; do not edit by hand.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
configMapGenerator:
  - name: trainyard-templates
    files:
KUSTOMIZATION
printf '%s' "$files" >> "$dst/kustomization.yaml"
