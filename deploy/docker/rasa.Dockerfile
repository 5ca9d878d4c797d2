# syntax=docker/dockerfile:1
# The Rasa server of this assistant, with its model built into the image.
#
#   docker build -f deploy/docker/rasa.Dockerfile -t bvo-rasa:3.6.21 .
#
# Stage "train" trains the model from config.yml, domain.yml and data/ (about
# 5 minutes on 2 cores); the final image holds the code, the domain and that
# model, and runs as the image's unprivileged user. Same Rasa version as
# requirements.txt (keep RASA_VERSION in step with it; tests/test_deploy_files.py checks).
ARG RASA_VERSION=3.6.21

FROM rasa/rasa:${RASA_VERSION}-full AS base
USER root
WORKDIR /app
COPY requirements.txt constraints.txt /tmp/requirements/
# The personal-data detector and the Dutch spaCy pipeline, at the versions of constraints.txt.
RUN pip install --no-cache-dir -c /tmp/requirements/constraints.txt \
      python-stdnum phonenumbers \
      "nl_core_news_sm @ https://github.com/explosion/spacy-models/releases/download/nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl" \
 && rm -rf /tmp/requirements
COPY config.yml credentials.yml ./
COPY domain.yml ./
# The long answers (Rasa merges them into the domain; channels/responses.py reads them too).
COPY data/responses/ data/responses/
COPY nlu_components/ nlu_components/
COPY settings/ settings/
COPY privacy/ privacy/
COPY channels/ channels/
COPY runtime/ runtime/
COPY cluster/ cluster/
COPY actions/ actions/
COPY deploy/endpoints.cluster.yml deploy/endpoints.cluster.yml

FROM base AS train
COPY data/ data/
RUN rasa train --fixed-model-name assistant

FROM base
COPY --from=train /app/models/assistant.tar.gz /app/models/assistant.tar.gz
RUN chown -R 1001:0 /app && chmod -R g=u /app
USER 1001
# One TensorFlow thread per pool: less CPU per message (runtime/server_env.py).
ENV RASA_TELEMETRY_ENABLED=false \
    TF_INTER_OP_PARALLELISM_THREADS=1 \
    TF_INTRA_OP_PARALLELISM_THREADS=1 \
    SANIC_ACCESS_LOG=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    PYTHONDONTWRITEBYTECODE=1
EXPOSE 5005
# Ready once the model is loaded (the Helm values use the same address).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5005/webhooks/health/ready', timeout=4).status != 200)"
# Channels only: no --enable-api (Rasa's HTTP API stays off).
CMD ["run", "--model", "/app/models/assistant.tar.gz", "--port", "5005", \
     "--endpoints", "deploy/endpoints.cluster.yml", "--credentials", "credentials.yml"]
