using System.Buffers;
using System.Globalization;
using System.Security.Authentication;
using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Mqtt.Mapping;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Protocol;

namespace Loos.Edge.Mqtt;

/// <summary>
/// The doctor's check of the broker (connect with the site's TLS and credentials, then disconnect) and the site test
/// of the subscriptions (listen a few seconds, map what arrives with the site's mapping). Both connect with a client
/// id of their own, so the running service's session is left alone.
/// </summary>
internal static class MqttCommissioning
{
    public static IDoctorCheck BrokerCheck(MqttOptions options) =>
        new DoctorCheck($"mqtt broker {options.Host}:{options.EffectivePort}{(options.Tls.Enabled ? " (TLS)" : string.Empty)}", async cancellationToken =>
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                await ConnectAsync(client, options, "doctor", cancellationToken).ConfigureAwait(false);
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
                return CheckResult.Pass($"connected{(options.Tls.Enabled ? " over TLS" : string.Empty)}{(options.CredentialsFile is null ? string.Empty : " with the credentials of " + options.CredentialsFile)}");
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Explain(exception, options);
            }
        });

    public static IDeviceTest SubscriptionTest(MqttOptions options) => new Subscriptions(options);

    private static async Task ConnectAsync(IMqttClient client, MqttOptions options, string purpose, CancellationToken cancellationToken)
    {
        var clientId = $"{options.EffectiveClientId}-{purpose}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        var result = await client.ConnectAsync(MqttClientOptionsFactory.ForTail(options, clientId), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttRefusedException(result.ResultCode, result.ReasonString);
        }
    }

    private static CheckResult Explain(Exception exception, MqttOptions options)
    {
        var refused = exception switch
        {
            MqttRefusedException own => own,
            // MQTTnet names the broker's reason code only in the message.
            MqttConnectingFailedException failed when Enum.GetValues<MqttClientConnectResultCode>().FirstOrDefault(code => code != MqttClientConnectResultCode.Success && failed.Message.Contains(code.ToString(), StringComparison.Ordinal)) is var code and not MqttClientConnectResultCode.Success
                => new MqttRefusedException(code, null),
            _ => null,
        };
        if (refused is { Code: MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized })
        {
            return CheckResult.Fail($"the broker refuses the credentials ({refused.Code})", $"check the user name (line 1) and password (line 2) in {options.CredentialsFile ?? "mqtt:credentialsFile (not set)"}");
        }

        if (refused is not null)
        {
            return CheckResult.Fail($"the broker refused the connection: {refused.Code}", "read the broker's log for the cause");
        }

        var message = Describe(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return CheckResult.Fail(
                    $"TLS: {message}",
                    $"the broker's certificate must chain to {options.Tls.CaFile ?? "the system's authorities (mqtt:tls:caFile not set)"} and name {options.Tls.ServerName ?? options.Host}");
            }
        }

        return CheckResult.Fail($"cannot reach {options.Host}:{options.EffectivePort}: {message}", "check mqtt:host and mqtt:port, the network, and that the broker runs");
    }

    private static string Describe(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += ": " + inner.Message;
        }

        return message;
    }

    private sealed class MqttRefusedException(MqttClientConnectResultCode code, string? reason) : Exception($"the broker refused the connection: {code} {reason}".TrimEnd())
    {
        public MqttClientConnectResultCode Code { get; } = code;
    }

    private sealed class Subscriptions(MqttOptions options) : IDeviceTest
    {
        public string Name => $"mqtt subscriptions on {options.Host}:{options.EffectivePort}";

        public int DeviceCount => options.Subscriptions.Count;

        public async Task<IReadOnlyList<DeviceReading>> ReadOnceAsync(SiteTestSettings settings, CancellationToken cancellationToken)
        {
            var catalog = new SeriesCatalog();
            var mapper = MqttPayloadMapper.Create(options.Subscriptions, options.PresetDirectory, catalog);
            var rows = new List<DeviceReading>();
            var heard = new HashSet<string>(StringComparer.Ordinal);
            using var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += received =>
            {
                var message = received.ApplicationMessage;
                var readings = new List<Reading>();
                var now = settings.TimeProvider.GetUtcNow();
                var mapped = mapper.TryMap(message.Topic, message.Payload, now, readings, out var problem);
                lock (rows)
                {
                    heard.Add(message.Topic);
                    if (!mapped || readings.Count == 0)
                    {
                        rows.Add(new DeviceReading(message.Topic, string.Empty, null, string.Empty, "-", now, problem ?? "no reading in the message"));
                    }

                    foreach (var reading in readings)
                    {
                        var key = catalog[reading.Series];
                        rows.Add(new DeviceReading(message.Topic, key.Field, reading.Value, key.Unit, reading.Quality.ToString().ToLowerInvariant(), now));
                    }
                }

                return Task.CompletedTask;
            };
            try
            {
                await ConnectAsync(client, options, "site-test", cancellationToken).ConfigureAwait(false);
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (var filter in mapper.SubscriptionFilters)
                {
                    subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce);
                }

                await client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
                await Task.Delay(settings.ListenTime, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return [.. mapper.SubscriptionFilters.Select(filter => new DeviceReading(filter, string.Empty, null, string.Empty, "-", null, Explain(exception, options).Detail))];
            }

            lock (rows)
            {
                foreach (var filter in mapper.SubscriptionFilters.Where(filter => !heard.Any(topic => MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch)))
                {
                    rows.Add(new DeviceReading(filter, string.Empty, null, string.Empty, "-", null, $"no message in {settings.ListenTime.TotalSeconds:0.#} s"));
                }

                return [.. rows];
            }
        }
    }
}
