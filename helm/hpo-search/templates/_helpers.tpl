{{- define "hpo-search.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hpo-search.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "hpo-search.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "hpo-search.fullname" .) -}}
{{- end -}}

{{- define "hpo-search.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "hpo-search.searchId" -}}
{{- .Values.searchId | default .Release.Name -}}
{{- end -}}

{{- define "hpo-search.authSecretName" -}}
{{- .Values.spark.authenticate.existingSecret | default (printf "%s-spark-auth" (include "hpo-search.fullname" .)) -}}
{{- end -}}

{{/* where the driver and the executors find the Spark RPC secret and the Kafka client secrets */}}
{{- define "hpo-search.authSecretDir" -}}/var/run/secrets/hpo/spark-auth{{- end -}}
{{- define "hpo-search.kafkaSecretDir" -}}/var/run/secrets/hpo/kafka{{- end -}}
{{- define "hpo-search.notifySecretDir" -}}/var/run/secrets/hpo/notify{{- end -}}

{{/* Spark settings both modes share, as a map */}}
{{- define "hpo-search.sparkConf" -}}
spark.hpo.kafka.bootstrap.servers: {{ required "kafka.bootstrapServers is required" .Values.kafka.bootstrapServers | quote }}
spark.hpo.driver.aggregator.url: {{ required "aggregator.url is required" .Values.aggregator.url | quote }}
spark.executorEnv.OMP_NUM_THREADS: "1"
spark.kubernetes.namespace: {{ .Release.Namespace | quote }}
spark.kubernetes.container.image: {{ include "hpo-search.image" . | quote }}
spark.kubernetes.container.image.pullPolicy: {{ .Values.image.pullPolicy | quote }}
spark.kubernetes.executor.label.app.kubernetes.io/instance: {{ .Release.Name | quote }}
spark.authenticate: "true"
spark.authenticate.secret.file: {{ printf "%s/%s" (include "hpo-search.authSecretDir" .) .Values.spark.authenticate.key | quote }}
spark.kubernetes.driver.secrets.{{ include "hpo-search.authSecretName" . }}: {{ include "hpo-search.authSecretDir" . | quote }}
spark.kubernetes.executor.secrets.{{ include "hpo-search.authSecretName" . }}: {{ include "hpo-search.authSecretDir" . | quote }}
{{- range $k, $v := .Values.kafka.client }}
{{- if regexMatch "(?i)jaas|password|secret" $k }}
{{- fail (printf "kafka.client.%s is a secret: put it in the Secret named by kafka.existingSecret, under the key %s listed in kafka.secretKeys" $k $k) }}
{{- end }}
spark.hpo.kafka.client.{{ $k }}: {{ $v | quote }}
{{- end }}
{{- with .Values.kafka.existingSecret }}
spark.kubernetes.driver.secrets.{{ . }}: {{ include "hpo-search.kafkaSecretDir" $ | quote }}
spark.kubernetes.executor.secrets.{{ . }}: {{ include "hpo-search.kafkaSecretDir" $ | quote }}
{{- range $.Values.kafka.secretKeys }}
spark.hpo.kafka.client.file.{{ . }}: {{ printf "%s/%s" (include "hpo-search.kafkaSecretDir" $) . | quote }}
{{- end }}
{{- end }}
{{- with .Values.notify.existingSecret }}
spark.kubernetes.driver.secrets.{{ . }}: {{ include "hpo-search.notifySecretDir" $ | quote }}
spark.hpo.driver.notify.secret.file: {{ printf "%s/%s" (include "hpo-search.notifySecretDir" $) $.Values.notify.key | quote }}
{{- end }}
{{- with .Values.notify.dashboardUrl }}
spark.hpo.driver.notify.dashboard.url: {{ . | quote }}
{{- end }}
{{- if .Values.gpu.workerGpus }}
spark.hpo.worker.gpus: {{ .Values.gpu.workerGpus | quote }}
spark.executor.resource.gpu.amount: {{ .Values.gpu.executorGpus | quote }}
spark.executor.resource.gpu.vendor: {{ .Values.gpu.vendor | quote }}
spark.executor.resource.gpu.discoveryScript: {{ .Values.gpu.discoveryScript | quote }}
{{- end }}
{{- range $k, $v := .Values.spark.conf }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}
