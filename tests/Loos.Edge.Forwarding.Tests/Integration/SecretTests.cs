using System.Text;
using System.Text.Json;
using Loos.Edge.Core;
using Loos.Edge.Forwarding.Tests.Support;
using Loos.Edge.Testing;

namespace Loos.Edge.Forwarding.Tests.Integration;

public sealed class SecretTests
{
    private const string Token = "tok-8c1f2e7a9b3d4c5e";
    private const string User = "gateway";
    private const string Password = "pw-5d9e0f1a2b3c4d6e";

    [Fact]
    public async Task Forward_ServersFailingEveryWay_NoSecretInLogsHealthOrDeadLetters()
    {
        var directory = Directory.CreateTempSubdirectory("loos-edge-secrets-").FullName;
        var tls = TestTls.Create(directory, "localhost");
        await using var echo = await ScriptedServer.StartAsync();
        await using var https = await ScriptedServer.StartAsync(tls.ServerCertificate);
        try
        {
            // 401 and 400 that echo the request back, headers included, as some proxies and debug servers do.
            echo.RequestRule = request => new ScriptedResponse(
                request.PathAndQuery.Contains("unauthorized", StringComparison.Ordinal) ? 401 : 400,
                JsonSerializer.Serialize(new { error = $"partial write: request {request.PathAndQuery} Authorization: {request.Authorization} body {request.Body}" }));
            var tokenFile = Readings.TempFile(directory, "token", Token + "\n");
            var passwordFile = Readings.TempFile(directory, "password", Password + "\n");
            var refused = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var catalog = new SeriesCatalog();
            var log = new InMemoryReadingLog();
            log.Append(Readings.Meters(catalog, meters: 1, count: 5));
            TargetOptions Target(string name, InfluxApi api, Uri url, string database) => new()
            {
                Name = name,
                Api = api,
                Url = url.ToString(),
                Database = database,
                Org = "loos",
                Bucket = database,
                TokenFile = api == InfluxApi.V2 ? tokenFile : null,
                Username = api == InfluxApi.V1 ? User : null,
                PasswordFile = api == InfluxApi.V1 ? passwordFile : null,
                BatchMaxAge = TimeSpan.FromMilliseconds(20),
                InitialRetryDelay = TimeSpan.FromMilliseconds(20),
                MaxRetryDelay = TimeSpan.FromMilliseconds(100),
                CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
                AuthenticationRetryInterval = TimeSpan.FromMilliseconds(100),
            };
            TargetOptions[] targets = [.. new[] { InfluxApi.V1, InfluxApi.V2 }.SelectMany(api => new[]
            {
                Target($"unauthorized-{api}", api, echo.Url, "unauthorized"),
                Target($"rejected-{api}", api, echo.Url, "rejected"),
                Target($"refused-{api}", api, refused, "refused"),
                Target($"tls-{api}", api, new Uri($"https://localhost:{https.Port}"), "tls"),
            })];
            var logger = new CapturingLoggerProvider();
            await using var host = new ForwarderHost(catalog, log, null, logger, targets);

            await host.StartAsync();
            await ForwarderHost.WaitUntilAsync(
                () => targets.All(t => host.Status(t.Name).LastError is not null)
                    && log.Acknowledged("rejected-V1") == 5 && log.Acknowledged("rejected-V2") == 5
                    && host.Status("unauthorized-V1").State == TargetState.AuthenticationFailed,
                "every target has failed");
            await Task.Delay(300); // A few more rounds of retries and their log lines.
            await host.StopAsync();

            Assert.Contains(echo.Received, r => r.Authorization == "Token " + Token);
            var outputs = new List<(string Where, string Text)>();
            outputs.AddRange(logger.Lines.Select(l => ("log", l)));
            outputs.Add(("health", JsonSerializer.Serialize(host.Monitor.GetTargets())));
            foreach (var file in Directory.GetFiles(host.Directory))
            {
                outputs.Add((file, await File.ReadAllTextAsync(file)));
            }

            Assert.Contains(outputs, o => o.Text.Contains("partial write", StringComparison.Ordinal));
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
            foreach (var secret in new[] { Token, Password, basic })
            {
                var leaks = outputs.Where(o => o.Text.Contains(secret, StringComparison.Ordinal)).Select(o => $"{o.Where}: {o.Text}").ToList();
                Assert.True(leaks.Count == 0, $"'{secret}' appears in:\n{string.Join("\n", leaks)}");
            }
        }
        finally
        {
            tls.ServerCertificate.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}
