{{/*
Deployment of one hotloop service: hardened container, actuator probes on the management port, /tmp as an emptyDir,
a preStop sleep and a grace period covering it and every Spring shutdown phase.
Usage: include "hotloop.deployment" (dict "root" $ "component" "api-service" "values" .Values.apiService
  "port" 8080 "env" $envYaml "securityContext" $merged "volumes" $volumesYaml "volumeMounts" $mountsYaml
  "shutdownPhases" 2 ["image" "<image name when it is not the component's name>"])
*/}}
{{- define "hotloop.deployment" -}}
{{- $root := .root -}}
{{- $values := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "hotloop.componentName" (dict "root" $root "suffix" .component) }}
  labels:
    {{- include "hotloop.labels" . | nindent 4 }}
spec:
  {{- if not (and $values.autoscaling $values.autoscaling.enabled) }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "hotloop.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "hotloop.labels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "hotloop.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if hasKey $values "hostUsers" }}
      hostUsers: {{ $values.hostUsers }}
      {{- end }}
      {{- with $values.runtimeClassName }}
      runtimeClassName: {{ . | quote }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "hotloop.terminationGracePeriodSeconds" (dict "shutdown" $values.shutdown "phases" .shutdownPhases) }}
      {{- with $values.initContainers }}
      initContainers:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "hotloop.image" (dict "root" $root "service" (.image | default .component) "values" $values) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
            - name: management
              containerPort: {{ $root.Values.managementPort }}
              protocol: TCP
          env:
            - name: SERVER_PORT
              value: {{ .port | quote }}
            - name: MANAGEMENT_SERVER_PORT
              value: {{ $root.Values.managementPort | quote }}
            - name: MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED
              value: "true"
            - name: SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE
              value: {{ printf "%ds" (int $values.shutdown.phaseTimeoutSeconds) | quote }}
            - name: JAVA_TOOL_OPTIONS
              value: {{ $root.Values.javaToolOptions | quote }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $values.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /actuator/health/liveness
              port: management
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /actuator/health/liveness
              port: management
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: management
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $values.shutdown.preStopSleepSeconds }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- toYaml .securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with include "hotloop.topologySpreadConstraints" . | trim }}
      topologySpreadConstraints:
        {{- . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
A component's own topologySpreadConstraints, else the chart's default spread over topologySpread.topologyKeys.
*/}}
{{- define "hotloop.topologySpreadConstraints" -}}
{{- $spread := .root.Values.topologySpread }}
{{- if .values.topologySpreadConstraints }}
{{- toYaml .values.topologySpreadConstraints }}
{{- else if $spread.enabled }}
{{- range $spread.topologyKeys }}
- maxSkew: {{ $spread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: {{ $spread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "hotloop.selectorLabels" $ | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}
{{- end }}

{{/*
Grace period of a pod: its preStop sleep, then every Spring shutdown phase at its timeout, plus 15 s for the JVM to
exit. Usage: include "hotloop.terminationGracePeriodSeconds" (dict "shutdown" .Values.apiService.shutdown "phases" 2)
*/}}
{{- define "hotloop.terminationGracePeriodSeconds" -}}
{{- add .shutdown.preStopSleepSeconds (mul .shutdown.phaseTimeoutSeconds .phases) 15 }}
{{- end }}

{{/*
ClusterIP Service of one hotloop service. Usage: include "hotloop.service" (dict "root" $ "component" "api-service" "values" .Values.apiService "port" 8080)
*/}}
{{- define "hotloop.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "hotloop.componentName" (dict "root" .root "suffix" .component) }}
  labels:
    {{- include "hotloop.labels" . | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .values.service.type }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
    - name: management
      port: {{ .root.Values.managementPort }}
      targetPort: management
      protocol: TCP
  selector:
    {{- include "hotloop.selectorLabels" . | nindent 4 }}
{{- end }}

{{/*
PodDisruptionBudget of one component, when its podDisruptionBudget.enabled.
*/}}
{{- define "hotloop.pdb" -}}
{{- if .values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "hotloop.componentName" (dict "root" .root "suffix" .component) }}
  labels:
    {{- include "hotloop.labels" . | nindent 4 }}
spec:
  {{- with .values.podDisruptionBudget }}
  {{- if hasKey . "minAvailable" }}
  minAvailable: {{ .minAvailable }}
  {{- else }}
  maxUnavailable: {{ .maxUnavailable }}
  {{- end }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "hotloop.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
