{{- define "unity.hubUrl" -}}
{{- if .Values.agent.hubUrl -}}
{{ .Values.agent.hubUrl }}
{{- else -}}
http://{{ .Release.Name }}-hub.{{ .Release.Namespace }}.svc
{{- end -}}
{{- end -}}
