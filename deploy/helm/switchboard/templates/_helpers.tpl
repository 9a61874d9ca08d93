{{/* The release's objects are named after it; "switchboard" is not repeated when the release name has it. */}}
{{- define "switchboard.fullname" -}}
{{- if contains "switchboard" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-switchboard" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "switchboard.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "switchboard.fullname" .) -}}
{{- end -}}

{{- define "switchboard.watchNamespace" -}}
{{- .Values.watchNamespace | default .Release.Namespace -}}
{{- end -}}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: switchboard
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "switchboard.labels" -}}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/*
The rules for reading the configuration, writing status; the same as deploy/manifests/rbac.yaml
(whose comments say what each is for). GatewayClasses and the Lease are granted apart: they are cluster-scoped and
in the release namespace.
*/}}
{{- define "switchboard.rules" -}}
- apiGroups: [inference.networking.k8s.io]
  resources: [inferencepools]
  verbs: [get, list, watch]
- apiGroups: [inference.networking.k8s.io]
  resources: [inferencepools/status]
  verbs: [patch]
- apiGroups: [inference.networking.x-k8s.io, llm-d.ai]
  resources: [inferenceobjectives, inferencemodelrewrites]
  verbs: [get, list, watch]
- apiGroups: [aigateway.envoyproxy.io]
  resources: [aigatewayroutes, aiservicebackends, backendsecuritypolicies]
  verbs: [get, list, watch]
- apiGroups: [aigateway.envoyproxy.io]
  resources: [aigatewayroutes/status]
  verbs: [patch]
- apiGroups: [gateway.envoyproxy.io]
  resources: [backends]
  verbs: [get, list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gateways]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods, secrets, configmaps]
  verbs: [get, list, watch]
- apiGroups: [switchboard.dev]
  resources: [gateways, endpoints, clientauths, ratelimitpolicies, pricetables, guardrails]
  verbs: [get, list, watch]
{{- end -}}
