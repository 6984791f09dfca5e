using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loos.Edge.Core;

namespace Loos.Edge.Http.Tests;

public sealed class WriteListenerTests
{
    private static ByteArrayContent Body(string text) => new(Encoding.UTF8.GetBytes(text));

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static ByteArrayContent GzipContent(byte[] compressed)
    {
        var content = new ByteArrayContent(compressed);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task V2Write_ValidBody_Answers204AfterOneAppendOfEveryReading()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(
            host.ListenerUri("/api/v2/write?org=town&bucket=energy&precision=s"),
            Body("pv,roof=school power=1520.5,energy=120i 1700000000\n# comment\npv,roof=church power=80 1700000060\n"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var append = Assert.Single(host.Sink.Appends);
        Assert.Equal(3, append.Length);
        Assert.Equal([1520.5, 120, 80], append.Select(r => r.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_060), append[2].Timestamp);
        Assert.Equal("church", host.Catalog[append[2].Series].GetTag("roof"));
        Assert.Equal(ValueKind.Integer, host.Catalog[append[1].Series].Kind);
    }

    [Fact]
    public async Task V1Write_ValidBodyWithoutTimestamp_Answers204WithTheGatewayClock()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(host.ListenerUri("/write?db=loos&rp=autogen"), Body("heat,home=h1 energy=42.5"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var reading = Assert.Single(Assert.Single(host.Sink.Appends));
        Assert.Equal(GatewayHost.Now, reading.Timestamp);
        Assert.Equal(42.5, reading.Value);
    }

    [Fact]
    public async Task Write_LinesWithoutTimestampWhileTheClockStands_KeepDistinctIncreasingTimesPerSeries()
    {
        await using var host = await GatewayHost.StartAsync();

        // Two bodies and three lines of one series within one tick of the clock: InfluxDB keeps one point per series
        // and time, so each must get a time of its own. The second series' field shares the line's time.
        using var first = await host.Client.PostAsync(host.ListenerUri("/write?db=loos"), Body("heat,home=h1 energy=1,power=5\nheat,home=h1 energy=2\n"));
        using var second = await host.Client.PostAsync(host.ListenerUri("/write?db=loos"), Body("heat,home=h1 energy=3\n"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        var readings = host.Sink.Appends.SelectMany(append => append).ToList();
        var energy = readings.Where(r => host.Catalog[r.Series].Field == "energy").ToList();
        Assert.Equal([1.0, 2, 3], energy.Select(r => r.Value));
        Assert.Equal(GatewayHost.Now, energy[0].Timestamp);
        Assert.True(energy[0].Timestamp < energy[1].Timestamp && energy[1].Timestamp < energy[2].Timestamp, string.Join(", ", energy.Select(r => r.Timestamp.UtcTicks)));
        Assert.Equal(energy[0].Timestamp, readings.Single(r => host.Catalog[r.Series].Field == "power").Timestamp);
    }

    [Fact]
    public async Task Write_AppendNotYetOnDisk_AnswersOnlyOnceTheAppendCompleted()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Sink.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body("m v=1 1"));
        await host.Sink.AppendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var first = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(300)));

        Assert.NotSame(pending, first);
        Assert.Empty(host.Sink.Appends);
        host.Sink.Hold.SetResult();
        using var response = await pending;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_GzipBody_IsDecompressed()
    {
        await using var host = await GatewayHost.StartAsync();
        var text = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"m,home=h{i % 10} v={i} {i}"));

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), GzipContent(Gzip(text)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1000, Assert.Single(host.Sink.Appends).Length);
    }

    [Fact]
    public async Task Write_GzipHeaderButGarbage_Answers400SayingTheGzipIsCorrupt()
    {
        await using var host = await GatewayHost.StartAsync();
        var garbage = Gzip("m v=1 1");
        garbage[3] = 0xFF;
        garbage[10] ^= 0xFF;

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), GzipContent(garbage));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal("invalid", json.GetProperty("code").GetString());
        Assert.Contains("gzip", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_TruncatedGzip_Answers400AndAppendsNothing()
    {
        await using var host = await GatewayHost.StartAsync();
        var text = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"m,home=h{i % 7} v={i * 7 % 13} {i}"));
        var compressed = Gzip(text);

        using var response = await host.Client.PostAsync(host.ListenerUri("/write"), GzipContent(compressed[..(compressed.Length / 2)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gzip body is corrupt or truncated", (await JsonOf(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task V2Write_MalformedThirdLine_Answers400NamingTheLineAndAppendsNothing()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body("m v=1 1\nm v=2 2\nm,home=h1 v=oops 3\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal("invalid", json.GetProperty("code").GetString());
        Assert.StartsWith("line 3, column 13: ", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task V1Write_StringField_Answers400WithErrorProperty()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(host.ListenerUri("/write?db=x"), Body("m state=\"on\" 1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await JsonOf(response)).GetProperty("error").GetString();
        Assert.StartsWith("line 1, column 9: ", message, StringComparison.Ordinal);
        Assert.Contains("string", message, StringComparison.Ordinal);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_UnknownPrecision_Answers400()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write?precision=days"), Body("m v=1 1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("precision 'days'", (await JsonOf(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_UnsupportedContentEncoding_Answers415()
    {
        await using var host = await GatewayHost.StartAsync();
        var content = Body("m v=1 1");
        content.Headers.ContentEncoding.Add("br");

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_EmptyBody_Answers204WithoutAppending()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body("# nothing\n"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_ContentLengthOverTheLimit_Answers413()
    {
        await using var host = await GatewayHost.StartAsync(s => s["listener:maxBodyBytes"] = "1000");

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body(new string('#', 1001)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request too large", (await JsonOf(response)).GetProperty("code").GetString());
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_ChunkedBodyOverTheLimit_Answers413()
    {
        await using var host = await GatewayHost.StartAsync(s => s["listener:maxBodyBytes"] = "1000");
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("m v=1 1\n", 200)))));
        content.Headers.ContentLength = null;

        using var request = new HttpRequestMessage(HttpMethod.Post, host.ListenerUri("/write")) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_BodyExactlyAtTheLimit_IsAccepted()
    {
        await using var host = await GatewayHost.StartAsync(s => s["listener:maxBodyBytes"] = "800");

        using var response = await host.Client.PostAsync(host.ListenerUri("/write"), Body(string.Concat(Enumerable.Repeat("m v=1 1\n", 100))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(100, Assert.Single(host.Sink.Appends).Length);
    }

    [Fact]
    public async Task Write_GzipExpandingBeyondTheLimit_Answers413()
    {
        await using var host = await GatewayHost.StartAsync(s => s["listener:maxBodyBytes"] = "10000");
        var compressed = Gzip(string.Concat(Enumerable.Repeat("m v=1 1\n", 5000)));
        Assert.True(compressed.Length < 10000);

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), GzipContent(compressed));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Write_BodyAboveKestrelDefaultButWithinTheLimit_IsAccepted()
    {
        // Kestrel's own default limit is 30 000 000 bytes; the listener's default is 32 MiB.
        await using var host = await GatewayHost.StartAsync();
        var body = new byte[31_000_000];
        body.AsSpan().Fill((byte)' ');
        "m v=1 1\n"u8.CopyTo(body);

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(Assert.Single(host.Sink.Appends));
    }

    [Fact]
    public async Task Write_BufferFull_Answers503WithRetryAfterInWholeSeconds()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Sink.Full = new BufferFullException { RetryAfter = TimeSpan.FromSeconds(2.5) };

        using var v2 = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body("m v=1 1"));
        using var v1 = await host.Client.PostAsync(host.ListenerUri("/write"), Body("m v=1 1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, v2.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), v2.Headers.RetryAfter?.Delta);
        Assert.Equal("unavailable", (await JsonOf(v2)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, v1.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), v1.Headers.RetryAfter?.Delta);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Ping_OnTheListenerPort_Answers204()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.GetAsync(host.ListenerUri("/ping"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Write_OnTheHealthPort_IsNotServed()
    {
        await using var host = await GatewayHost.StartAsync();

        using var v2 = await host.Client.PostAsync(host.HealthUri("/api/v2/write"), Body("m v=1 1"));
        using var v1 = await host.Client.PostAsync(host.HealthUri("/write"), Body("m v=1 1"));

        Assert.Equal(HttpStatusCode.NotFound, v2.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, v1.StatusCode);
        Assert.Empty(host.Sink.Appends);
    }

    [Fact]
    public async Task Health_OnTheListenerPort_IsNotServed()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.GetAsync(host.ListenerUri("/health"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Listener_Disabled_OnlyTheHealthAddressListens()
    {
        await using var host = await GatewayHost.StartAsync(s => s["listener:enabled"] = "false");

        using var health = await host.Client.GetAsync(host.HealthUri("/health"));
        var write = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.PostAsync(host.ListenerUri("/api/v2/write"), Body("m v=1 1")));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpRequestError.ConnectionError, write.HttpRequestError);
    }
}
