# syntax=docker/dockerfile:1
# The action server of this assistant (custom actions in actions/).
#
#   docker build -f deploy/docker/actions.Dockerfile -t bvo-actions:3.6.2 .
#
# Same rasa-sdk version as requirements.txt (keep RASA_SDK_VERSION in step with
# it; tests/test_deploy_files.py checks).
ARG RASA_SDK_VERSION=3.6.2

FROM rasa/rasa-sdk:${RASA_SDK_VERSION}
USER root
WORKDIR /app
COPY constraints.txt /tmp/constraints.txt
RUN pip install --no-cache-dir -c /tmp/constraints.txt pyyaml && rm /tmp/constraints.txt
COPY actions/ /app/actions/
RUN chown -R 1001:0 /app && chmod -R g=u /app
USER 1001
ENV PYTHONDONTWRITEBYTECODE=1
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4).status != 200)"
CMD ["start", "--actions", "actions"]
