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
COPY settings/ /app/settings/
# The launcher with the token check and quiet errors (runtime/action_server.py; docs/security.md).
COPY runtime/__init__.py runtime/patches.py runtime/action_server.py /app/runtime/
RUN chown -R 1001:0 /app && chmod -R g=u /app
USER 1001
# Inside the container it must listen on the pod's address; ACTION_SERVER_TOKEN comes from a Secret.
ENV PYTHONDONTWRITEBYTECODE=1 \
    ACTION_HOST=0.0.0.0
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4).status != 200)"
ENTRYPOINT ["python", "-m", "runtime.action_server"]
CMD ["--actions", "actions", "--port", "5055"]
