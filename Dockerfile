# syntax=docker/dockerfile:1
# Multi-stage build: a static binary (no cgo) on a distroless base, running
# as a non-root user. The embedded sample, templates, rules and web page are
# compiled into the binary, so nothing else is copied.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .ci/run runs this same command, so CI verifies the build step.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/juesuan ./cmd/juesuan

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/juesuan /usr/local/bin/juesuan
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/juesuan", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/juesuan"]
CMD ["serve", "--addr", ":8080"]
