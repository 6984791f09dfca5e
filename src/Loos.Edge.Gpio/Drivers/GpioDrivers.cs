using Loos.Edge.Core;
using System.Device.Gpio;

namespace Loos.Edge.Gpio.Drivers;

/// <summary>The GPIO drivers a gateway can run on (<c>gpio:driver</c>), and the controllers over them.</summary>
public static class GpioDrivers
{
    /// <summary>The board's own driver, chosen by System.Device.Gpio (libgpiod on a Raspberry Pi); the default.</summary>
    public const string Board = "board";

    /// <summary>The <see cref="SimulatedGpioDriver"/>, fed from <c>gpio:simulatedEdges</c>: commissioning, demos and tests.</summary>
    public const string Simulated = "simulated";

    /// <summary>Every problem of <c>gpio:driver</c> and <c>gpio:simulatedEdges</c>, each starting with its key path; empty when valid.</summary>
    public static ConfigurationProblems Check(GpioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new ConfigurationProblems();
        var section = GpioOptions.SectionName;
        if (options.Driver is not (Board or Simulated))
        {
            problems.Add($"{section}:driver", $": '{options.Driver}' is not one of {Board}, {Simulated}");
        }
        else if (options.Driver == Simulated && string.IsNullOrWhiteSpace(options.SimulatedEdges))
        {
            problems.Add($"{section}:simulatedEdges", $"is required with driver {Simulated}: the named pipe or file the simulated pins read their edge commands from");
        }
        else if (options.Driver == Board && !string.IsNullOrWhiteSpace(options.SimulatedEdges))
        {
            problems.Add($"{section}:simulatedEdges", $"is read by driver {Simulated} only; remove it, or set driver: {Simulated}");
        }

        return problems;
    }

    /// <summary>
    /// A controller over <paramref name="driver"/> (<see cref="Board"/> or <see cref="Simulated"/>, fed from
    /// <paramref name="simulatedEdges"/>); disposing it releases the pins and stops the simulation.
    /// </summary>
    /// <exception cref="GpioUnavailableException">The board has no GPIO the process can use.</exception>
    /// <exception cref="ArgumentException"><paramref name="driver"/> is unknown, or the simulation has no source.</exception>
    public static GpioController Open(string driver, string? simulatedEdges)
    {
        switch (driver)
        {
            case Simulated:
                ArgumentException.ThrowIfNullOrWhiteSpace(simulatedEdges);
                return new GpioController(SimulatedGpioDriver.FromEdgeCommands(simulatedEdges));
            case Board:
                try
                {
                    return new GpioController();
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    throw new GpioUnavailableException(GpioUnavailableException.Explain(null, exception), exception);
                }

            default:
                throw new ArgumentException($"'{driver}' is not one of {Board}, {Simulated}.", nameof(driver));
        }
    }
}
