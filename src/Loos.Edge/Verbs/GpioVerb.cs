using System.CommandLine;
using System.Device.Gpio;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loos.Edge.Gpio;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;

namespace Loos.Edge.Verbs;

/// <summary>
/// The GPIO tools of the technician: <c>loos-edge gpio watch --pin N [--edge rising|falling] [--debounce MS]
/// [--pulses-per-unit N [--quantity energy|volume]] [--json] [--seconds S]</c> shows the live count of an S0 input,
/// once a second: pulses so far, rate, time since the last pulse, and power or flow when the meter constant is given.
/// On a terminal the line is redrawn in place; redirected, one line (or one JSON object) a second. Exit codes: 0 when
/// stopped (Ctrl+C, or after <c>--seconds</c>), 1 when the pin cannot be opened (the cause on standard error), 2 bad
/// arguments. The hidden <c>--simulated-edges FILE</c> watches the simulated driver fed from FILE instead of the board.
/// </summary>
public static class GpioVerb
{
    /// <summary>The <c>gpio</c> command with its <c>watch</c> subcommand.</summary>
    public static Command Create() => new("gpio", "GPIO tools: watch the pulses of an S0 meter output.") { CreateWatch() };

    private static Command CreateWatch()
    {
        var pin = new Option<int>("--pin", "-p") { Description = "The BCM GPIO number the S0 output is wired to (0-27).", Required = true };
        var edge = new Option<string>("--edge") { Description = "The edge that counts: falling (open collector pulled up, the default) or rising.", DefaultValueFactory = _ => "falling" };
        edge.AcceptOnlyFromAmong("falling", "rising");
        var debounce = new Option<int>("--debounce") { Description = "Debounce in milliseconds (default 5, at most 30).", DefaultValueFactory = _ => 5 };
        var pulsesPerUnit = new Option<double?>("--pulses-per-unit") { Description = "The meter constant (pulses per kWh, or per m³ with --quantity volume), to show power or flow." };
        var quantity = new Option<string>("--quantity") { Description = "energy (power in W, the default) or volume (flow in m³/h).", DefaultValueFactory = _ => "energy" };
        quantity.AcceptOnlyFromAmong("energy", "volume");
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var simulatedEdges = new Option<string?>("--simulated-edges") { Hidden = true, Description = "Watch the simulated GPIO driver fed from this named pipe or file (tests and demos)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object a second for scripts instead of a line." };
        var watch = new Command("watch", "Count the pulses on a GPIO pin, live, once a second.") { pin, edge, debounce, pulsesPerUnit, quantity, seconds, json, simulatedEdges };
        watch.SetAction(async (parse, cancellationToken) =>
        {
            const string Verb = "loos-edge gpio watch";
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var pinNumber = parse.GetValue(pin);
            var debounceMilliseconds = parse.GetValue(debounce);
            var constant = parse.GetValue(pulsesPerUnit);
            var duration = parse.GetValue(seconds);
            string? problem = pinNumber is < 0 or > 27 ? $"--pin {pinNumber} is not a BCM GPIO number of the 40-pin header (0-27)"
                : debounceMilliseconds is < 0 or > 30 ? $"--debounce {debounceMilliseconds} is not between 0 and 30 ms (EN 62053-31: a pulse and its pause last at least 30 ms)"
                : constant is { } c && (!double.IsFinite(c) || c <= 0) ? "--pulses-per-unit must be positive"
                : duration is <= 0 ? "--seconds must be positive"
                : null;
            if (problem is not null)
            {
                await error.WriteLineAsync($"{Verb}: {problem}").ConfigureAwait(false);
                return ExitCodes.BadArguments;
            }

            var simulated = parse.GetValue(simulatedEdges);
            var time = TimeProvider.System;
            GpioController controller;
            PulseInput input;
            try
            {
                controller = GpioDrivers.Open(simulated is null ? GpioDrivers.Board : GpioDrivers.Simulated, simulated);
            }
            catch (GpioUnavailableException failure)
            {
                await error.WriteLineAsync($"{Verb}: {failure.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            using (controller)
            {
                try
                {
                    input = PulseInput.Open(
                        controller,
                        pinNumber,
                        parse.GetValue(edge) == "rising" ? PinEventTypes.Rising : PinEventTypes.Falling,
                        TimeSpan.FromMilliseconds(debounceMilliseconds),
                        time);
                }
                catch (GpioUnavailableException failure)
                {
                    await error.WriteLineAsync($"{Verb}: {failure.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                using (input)
                {
                    var meter = new WatchedMeter(pinNumber, constant, parse.GetValue(quantity) == "volume");
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
        });
        return watch;
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

    private static string Json(WatchedMeter meter, PulseSnapshot snapshot, double? rate, double? sinceLast, double? derived)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("pin", meter.Pin);
            writer.WriteNumber("pulses", snapshot.Pulses);
            writer.WriteNumber("rejectedEdges", snapshot.RejectedEdges);
            WriteNullable(writer, "pulsesPerSecond", rate);
            WriteNullable(writer, "secondsSinceLastPulse", sinceLast);
            if (meter.PulsesPerUnit is not null)
            {
                WriteNullable(writer, meter.DerivedName, derived);
                writer.WriteString("unit", meter.DerivedUnit);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, Math.Round(number, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The watched pin and what its pulses measure.</summary>
    private sealed record WatchedMeter(int Pin, double? PulsesPerUnit, bool Volume)
    {
        public string DerivedName => Volume ? "flow" : "power";

        public string DerivedUnit => Volume ? "m³/h" : "W";
    }
}
