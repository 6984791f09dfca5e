using System.Net;
using System.Text;
using System.Text.Json;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Http.Tests;

/// <summary>Every refusal of client input is a 4xx naming the line, never a 500.</summary>
public sealed class ListenerLimitsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "loos-http-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<(HttpStatusCode Status, string Message)> WriteToRealBufferAsync(string body, Action<BufferOptions>? configure = null)
    {
        IDurableBuffer? opened = null;
        var options = new BufferOptions { Directory = directory };
        configure?.Invoke(options);
        await using var host = await GatewayHost.StartAsync(sink: catalog => opened = DurableBuffer.Open(options, catalog, TimeProvider.System, NullLogger.Instance));
        await using var buffer = opened!;
        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write"), new ByteArrayContent(Encoding.UTF8.GetBytes(body)));
        var text = await response.Content.ReadAsStringAsync();
        var message = text.Length == 0 ? string.Empty : JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;
        Assert.Equal(0, buffer.GetStatistics().Consumers.Sum(c => c.UnsentReadings));
        return (response.StatusCode, message);
    }

    [Fact]
    public async Task Write_MeasurementOf100000Characters_Answers400NamingTheLine()
    {
        var (status, message) = await WriteToRealBufferAsync($"m v=1 1\n{new string('x', 100_000)} v=1 1\n");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("line 2, column 1: the series key", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_TagValueOf70000Characters_Answers400NamingTheLine()
    {
        var (status, message) = await WriteToRealBufferAsync($"m,home={new string('a', 70_000)} v=1 1\n");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("line 1, column 1: the series key", message, StringComparison.Ordinal);
        Assert.Contains("65535", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("m v=1 -9223372036854775808\n", "line 1, column 7: timestamp out of range")]
    [InlineData("lamp on=1 1\nlamp on=true 2\n", "line 2, column 6: field 'on'")]
    public async Task Write_WhatInfluxDbWouldRefuse_Answers400NamingTheLine(string body, string expected)
    {
        var (status, message) = await WriteToRealBufferAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_BodyWhoseReadingsExceedTheBufferCap_Answers413NamingTheCap()
    {
        var body = new StringBuilder();
        for (var i = 0; i < 2_000; i++)
        {
            body.Append("m v=").Append(i).Append(' ').Append(i).Append('\n');
        }

        var (status, message) = await WriteToRealBufferAsync(body.ToString(), o =>
        {
            o.SegmentBytes = 4096;
            o.CapBytes = 8192;
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("buffer:capBytes (8192 bytes)", message, StringComparison.Ordinal);
    }
}
