{{/*
Chart name, truncated to 63 characters (the DNS label limit of Kubernetes names).
*/}}
{{- define "hotloop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Release-qualified name, truncated to 63 characters. The release name is used alone when it already
contains the chart name.
*/}}
{{- define "hotloop.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of a component's resources: <fullname>-<suffix>. The fullname is shortened so that the suffix always
survives the 63-character limit, so names of different components never collide after truncation.
Usage: include "hotloop.componentName" (dict "root" $ "suffix" "session-service-headless")
*/}}
{{- define "hotloop.componentName" -}}
{{- $max := sub 62 (len .suffix) | int }}
{{- printf "%s-%s" (include "hotloop.fullname" .root | trunc $max | trimSuffix "-") .suffix }}
{{- end }}

{{- define "hotloop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of a component: only app.kubernetes.io/name and app.kubernetes.io/instance, both immutable
for the life of a release. Each component is its own application (name), part of hotloop (part-of), so the
selectors of api-service, session-service, tool-runner and Redis never overlap.
Usage: include "hotloop.selectorLabels" (dict "root" $ "component" "api-service")
*/}}
{{- define "hotloop.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/*
Labels of a component's resources.
*/}}
{{- define "hotloop.labels" -}}
helm.sh/chart: {{ include "hotloop.chart" .root }}
{{ include "hotloop.selectorLabels" . }}
app.kubernetes.io/part-of: {{ include "hotloop.name" .root }}
{{- with .root.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Labels of resources that belong to the whole release (Secret, dashboards, rules).
*/}}
{{- define "hotloop.commonLabels" -}}
{{ include "hotloop.labels" (dict "root" . "component" (include "hotloop.name" .)) }}
{{- end }}

{{- define "hotloop.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hotloop.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Registry of every image: global.imageRegistry, else the given default.
Usage: include "hotloop.registry" (dict "root" $ "default" .Values.image.registry)
*/}}
{{- define "hotloop.registry" -}}
{{- .root.Values.global.imageRegistry | default .default }}
{{- end }}

{{/*
Image of a hotloop service: <repository>:<tag>, then @<digest> when one is pinned.
Usage: include "hotloop.image" (dict "root" $ "service" "api-service" "values" .Values.apiService)
*/}}
{{- define "hotloop.image" -}}
{{- $root := .root }}
{{- $registry := include "hotloop.registry" (dict "root" $root "default" $root.Values.image.registry) }}
{{- $repository := .values.image.repository | default (printf "%s/%s/%s" $registry $root.Values.image.repository .service) }}
{{- $tag := .values.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- printf "%s:%s" $repository $tag }}{{ with .values.image.digest }}@{{ . }}{{ end }}
{{- end }}

{{- define "hotloop.redisImage" -}}
{{- with .Values.redis.image }}
{{- printf "%s/%s:%s" (include "hotloop.registry" (dict "root" $ "default" .registry)) .repository .tag }}{{ with .digest }}@{{ . }}{{ end }}
{{- end }}
{{- end }}

{{- define "hotloop.apiKeysSecretName" -}}
{{- .Values.apiKeys.existingSecret | default (include "hotloop.componentName" (dict "root" . "suffix" "api-keys")) }}
{{- end }}

{{- define "hotloop.redisHost" -}}
{{- if .Values.redis.enabled }}
{{- include "hotloop.componentName" (dict "root" . "suffix" "redis") }}
{{- else }}
{{- required "externalRedis.host is required when redis.enabled is false" .Values.externalRedis.host }}
{{- end }}
{{- end }}

{{- define "hotloop.redisPort" -}}
{{- if .Values.redis.enabled }}6379{{ else }}{{ .Values.externalRedis.port }}{{ end }}
{{- end }}

{{/*
How a component reaches Redis: session-service for response state, api-service for the per-tenant limits.
*/}}
{{- define "hotloop.redisEnv" -}}
- name: SPRING_DATA_REDIS_HOST
  value: {{ include "hotloop.redisHost" . | quote }}
- name: SPRING_DATA_REDIS_PORT
  value: {{ include "hotloop.redisPort" . | quote }}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.existingSecret }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalRedis.existingSecret }}
      key: {{ .Values.externalRedis.existingSecretKey }}
{{- end }}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.ssl }}
- name: SPRING_DATA_REDIS_SSL_ENABLED
  value: "true"
{{- end }}
{{- end }}

{{/*
Whether session-service may run more than one replica, which makes api-service discover them.
*/}}
{{- define "hotloop.sessionReplicated" -}}
{{- if gt (int .Values.sessionService.replicas) 1 }}true{{ end }}
{{- end }}

{{/*
Headless Service of a component: resolves to its ready pods, so that api-service routes each chain to one of them.
Usage: include "hotloop.headlessService" (dict "root" $ "component" "session-service" "values" .Values.sessionService)
*/}}
{{- define "hotloop.headlessService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "hotloop.componentName" (dict "root" .root "suffix" (printf "%s-headless" .component)) }}
  labels:
    {{- include "hotloop.labels" . | nindent 4 }}
    hotloop.dev/headless: "true"
spec:
  clusterIP: None
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
  selector:
    {{- include "hotloop.selectorLabels" . | nindent 4 }}
{{- end }}

{{/*
The models.yml api-service reads, when configured: the name of the ConfigMap or Secret and whether it is a Secret.
*/}}
{{- define "hotloop.modelsVolume" -}}
{{- with .Values.models }}
{{- if .existingSecret }}
secret:
  secretName: {{ .existingSecret }}
  items:
    - key: {{ .existingKey }}
      path: models.yml
{{- else if .existingConfigMap }}
configMap:
  name: {{ .existingConfigMap }}
  items:
    - key: {{ .existingKey }}
      path: models.yml
{{- else if .config }}
configMap:
  name: {{ include "hotloop.componentName" (dict "root" $ "suffix" "models") }}
{{- end }}
{{- end }}
{{- end }}
