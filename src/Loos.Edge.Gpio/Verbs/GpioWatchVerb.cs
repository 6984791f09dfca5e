using System.Device.Gpio;
using System.Text;
using Loos.Edge.Gpio;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;

namespace Loos.Edge.Verbs.Gpio;

/// <summary>
/// <c>loos-edge gpio watch --pin N [--edge rising|falling] [--debounce MS] [--pulses-per-unit N [--quantity
/// energy|volume]] [--json] [--seconds S]</c> shows the live count of an S0 input, once a second: pulses so far, rate,
/// time since the last pulse, and power or flow when the meter constant is given. On a terminal the line is redrawn in
/// place; redirected, one line (or one JSON object) a second. The hidden <c>--simulated-edges FILE</c> watches the
/// simulated driver fed from FILE instead of the board.
/// </summary>
internal sealed class GpioWatchVerb : Verb
{
    private const string Name = "loos-edge gpio watch";

    private readonly Option<int> pin = TypedOptions.Number("--pin", 0, 27, "a BCM GPIO number of the 40-pin header (0-27)", ["-p"]);
    private readonly Option<string> edge = new("--edge") { Description = "The edge that counts: falling (open collector pulled up, the default) or rising.", DefaultValueFactory = _ => "falling" };

    private readonly Option<int> debounce = TypedOptions.Number("--debounce", 0, 30, "between 0 and 30 ms (EN 62053-31: a pulse and its pause last at least 30 ms)");
    private readonly Option<double?> pulsesPerUnit = TypedOptions.Parsed("--pulses-per-unit", (string text, out double? constant) =>
    {
        constant = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number > 0 ? number : null;
        return constant is null ? $"--pulses-per-unit {text} is not a positive number" : null;
    });

    private readonly Option<string> quantity = new("--quantity") { Description = "energy (power in W, the default) or volume (flow in m³/h).", DefaultValueFactory = _ => "energy" };
    private readonly Option<int?> seconds = TypedOptions.OptionalNumber("--seconds", 1, int.MaxValue, "a positive number of seconds");
    private readonly Option<string?> simulatedEdges = new("--simulated-edges") { Hidden = true, Description = "Watch the simulated GPIO driver fed from this named pipe or file (tests and demos)." };
    private readonly Option<bool> json = CommonOptions.Json("Print one JSON object a second for scripts instead of a line.");

    public GpioWatchVerb()
        : base("watch", "Count the pulses on a GPIO pin, live, once a second.")
    {
        pin.Description = "The BCM GPIO number the S0 output is wired to (0-27).";
        pin.Required = true;
        edge.AcceptOnlyFromAmong("falling", "rising");
        debounce.Description = "Debounce in milliseconds (default 5, at most 30).";
        debounce.DefaultValueFactory = _ => 5;
        pulsesPerUnit.Description = "The meter constant (pulses per kWh, or per m³ with --quantity volume), to show power or flow.";
        quantity.AcceptOnlyFromAmong("energy", "volume");
        seconds.Description = "Stop after this many seconds (default: until Ctrl+C).";
        Add(pin, edge, debounce, pulsesPerUnit, quantity, seconds, json, simulatedEdges);
    }

    protected override async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var simulated = parse.GetValue(simulatedEdges);
        var error = parse.InvocationConfiguration.Error;
        var time = TimeProvider.System;
        GpioController controller;
        PulseInput input;
        try
        {
            controller = GpioDrivers.Open(simulated is null ? GpioDrivers.Board : GpioDrivers.Simulated, simulated);
        }
        catch (GpioUnavailableException failure)
        {
            await error.WriteLineAsync($"{Name}: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        using (controller)
        {
            try
            {
                input = PulseInput.Open(
                    controller,
                    parse.GetValue(pin),
                    parse.GetValue(edge) == "rising" ? PinEventTypes.Rising : PinEventTypes.Falling,
                    TimeSpan.FromMilliseconds(parse.GetValue(debounce)),
                    time);
            }
            catch (GpioUnavailableException failure)
            {
                await error.WriteLineAsync($"{Name}: {failure.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            using (input)
            {
                var output = parse.InvocationConfiguration.Output;
                var duration = parse.GetValue(seconds);
                var meter = new WatchedMeter(parse.GetValue(pin), parse.GetValue(pulsesPerUnit), parse.GetValue(quantity) == "volume");
                var inPlace = !parse.GetValue(json) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
                var shown = 0;
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
                try
                {
                    while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // One line a second, and with --seconds S exactly S of them, even when a busy machine delays a tick.
                        var done = duration is { } limit && ++shown >= limit;
                        await WriteAsync(output, meter, input.Snapshot(), time, parse.GetValue(json), inPlace).ConfigureAwait(false);
                        if (done)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: the technician has seen enough.
                }

                if (inPlace)
                {
                    await output.WriteLineAsync().ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
        }
    }

    private static async Task WriteAsync(TextWriter output, WatchedMeter meter, PulseSnapshot snapshot, TimeProvider time, bool json, bool inPlace)
    {
        var now = time.GetTimestamp();
        double? sinceLast = snapshot.LastPulseTimestamp is { } last ? time.GetElapsedTime(last, now).TotalSeconds : null;

        // The rate of the last gap between pulses; once the next pulse is later than that gap, the time waited bounds it.
        double? rate = snapshot is { LastPulseTimestamp: { } l, PreviousPulseTimestamp: { } p }
            ? 1 / Math.Max(time.GetElapsedTime(p, l).TotalSeconds, sinceLast!.Value)
            : null;
        double? derived = rate is { } r && meter.PulsesPerUnit is { } perUnit
            ? r * 3600 / perUnit * (meter.Volume ? 1 : 1000)
            : null;
        if (json)
        {
            await output.WriteLineAsync(Json(meter, snapshot, rate, sinceLast, derived)).ConfigureAwait(false);
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"GPIO {meter.Pin}: {snapshot.Pulses} pulses");
        text.Append(rate is { } shownRate ? string.Create(CultureInfo.InvariantCulture, $", {shownRate:0.###} pulses/s") : ", rate -");
        text.Append(sinceLast is { } shownSince ? string.Create(CultureInfo.InvariantCulture, $", last {shownSince:0.0} s ago") : ", no pulse yet");
        if (meter.PulsesPerUnit is not null)
        {
            text.Append(derived is { } shownDerived ? string.Create(CultureInfo.InvariantCulture, $", {meter.DerivedName} {shownDerived:0.###} {meter.DerivedUnit}") : $", {meter.DerivedName} -");
        }

        if (snapshot.RejectedEdges > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({snapshot.RejectedEdges} bounces ignored)");
        }

        if (inPlace)
        {
            await output.WriteAsync("\r" + text.ToString().PadRight(100)).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(text.ToString()).ConfigureAwait(false);
        }
    }

    private static string Json(WatchedMeter meter, PulseSnapshot snapshot, double? rate, double? sinceLast, double? derived) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("pin", meter.Pin);
        writer.WriteNumber("pulses", snapshot.Pulses);
        writer.WriteNumber("rejectedEdges", snapshot.RejectedEdges);
        writer.WriteNumberOrNull("pulsesPerSecond", rate, decimals: 6);
        writer.WriteNumberOrNull("secondsSinceLastPulse", sinceLast, decimals: 6);
        if (meter.PulsesPerUnit is not null)
        {
            writer.WriteNumberOrNull(meter.DerivedName, derived, decimals: 6);
            writer.WriteString("unit", meter.DerivedUnit);
        }

        writer.WriteEndObject();
    });

    /// <summary>The watched pin and what its pulses measure.</summary>
    private sealed record WatchedMeter(int Pin, double? PulsesPerUnit, bool Volume)
    {
        public string DerivedName => Volume ? "flow" : "power";

        public string DerivedUnit => Volume ? "m³/h" : "W";
    }
}
