# The API, the indexer worker and the scheduler share one image; docker-compose.yml picks the command.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends wordnet-base wordnet-sense-index \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md alembic.ini ./
RUN uv sync --frozen --no-dev --no-install-project
COPY catalog catalog
COPY search_api search_api
COPY indexer indexer
COPY analyzers analyzers
COPY schemas schemas
COPY ops ops
COPY scripts scripts
RUN uv sync --frozen --no-dev && bash scripts/install_nltk_data.sh
ENV PATH="/app/.venv/bin:$PATH" NLTK_DATA=/app/.local/nltk_data API_HOST=0.0.0.0
RUN useradd --system --no-create-home catalog
USER catalog
EXPOSE 8000
CMD ["catalog", "serve"]
