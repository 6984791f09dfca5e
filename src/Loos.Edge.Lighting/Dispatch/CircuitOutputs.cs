using System.Device.Gpio;
using System.Text;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Mqtt.Output;

namespace Loos.Edge.Lighting.Dispatch;

/// <summary>How one circuit is sent its level, and how the field confirms it.</summary>
internal interface ICircuitOutput
{
    /// <summary>Sends <paramref name="level"/> (% of light); false when it could not leave the gateway (broker down).</summary>
    Task<bool> SendAsync(int level, CancellationToken cancellationToken);

    /// <summary>Whether the field reports <paramref name="level"/> since <paramref name="sentAt"/>, and what it reported last, in words.</summary>
    (bool Confirmed, string LastReported) Check(int level, DateTimeOffset sentAt);
}

/// <summary>Dimmable luminaires of an MQTT controller: one command per luminaire, confirmed when each reports the value.</summary>
internal sealed class MqttCircuitOutput(CircuitOptions circuit, MqttCommandPreset preset, IMqttChannel channel, ControllerStatus status) : ICircuitOutput
{
    /// <summary>How far a controller's clock may lag the gateway's and its report still count (a report older than that is from before the command).</summary>
    private static readonly TimeSpan ControllerClockTolerance = TimeSpan.FromMinutes(5);

    public async Task<bool> SendAsync(int level, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(preset.Command.PayloadFor(DimmingCurves.CommandValue(circuit.Curve, level)));
        var sent = true;
        foreach (var luminaire in circuit.Luminaires)
        {
            var topic = preset.Command.TopicFor(new Dictionary<string, string> { ["controller"] = circuit.Controller!, ["luminaire"] = luminaire });
            sent &= await channel.PublishAsync(topic, payload, cancellationToken).ConfigureAwait(false);
        }

        return sent;
    }

    public (bool Confirmed, string LastReported) Check(int level, DateTimeOffset sentAt)
    {
        var value = DimmingCurves.CommandValue(circuit.Curve, level);
        var confirmed = true;
        var reported = new List<string>(circuit.Luminaires.Count);
        foreach (var luminaire in circuit.Luminaires)
        {
            var report = status.Latest(circuit.Controller!, luminaire);
            confirmed &= report is { Level: { } reportedValue }
                && Math.Abs(reportedValue - value) < 0.5
                && report.LevelReceivedAt >= sentAt
                && report.LevelAt >= sentAt - ControllerClockTolerance;
            reported.Add(report?.Level is { } last
                ? $"{luminaire} {DimmingCurves.Level(circuit.Curve, (int)Math.Round(last))} % at {report.LevelAt.UtcDateTime:HH:mm:ss}Z"
                : $"{luminaire} nothing yet");
        }

        return (confirmed, string.Join(", ", reported));
    }
}

/// <summary>A cabinet contactor on a GPIO output: closed when the level is above 0; confirmed by reading the line back.</summary>
internal sealed class RelayCircuitOutput(CircuitOptions circuit, LightingGpio gpio) : ICircuitOutput
{
    private bool opened;

    public Task<bool> SendAsync(int level, CancellationToken cancellationToken)
    {
        var gpio = Controller();
        gpio.Write(circuit.Pin!.Value, Expected(level));
        return Task.FromResult(true);
    }

    public (bool Confirmed, string LastReported) Check(int level, DateTimeOffset sentAt)
    {
        var value = Controller().Read(circuit.Pin!.Value);
        return (value == Expected(level), value == Expected(100) ? "contactor closed" : "contactor open");
    }

    /// <summary>The line's value for <paramref name="level"/>: active (closed) above 0.</summary>
    private PinValue Expected(int level) => (level > 0) ^ circuit.ActiveLow ? PinValue.High : PinValue.Low;

    private GpioController Controller()
    {
        var controller = gpio.Controller;
        if (!opened)
        {
            controller.OpenPin(circuit.Pin!.Value, PinMode.Output);
            opened = true;
        }

        return controller;
    }
}
