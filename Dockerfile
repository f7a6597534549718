# Guardrail's container image: a static binary on a distroless base.
# Build from the repository's root:
#   docker build -t guardrail:VERSION .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/guardrail ./cmd/guardrail

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/guardrail /guardrail
ADD --chmod=0444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
USER 65532:65532
ENTRYPOINT ["/guardrail"]
