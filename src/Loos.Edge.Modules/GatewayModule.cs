using System.CommandLine;
using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Modules;

/// <summary>
/// One part of the gateway (the buffer, the forwarder, a source, an output, a web page): the site-file section it
/// owns, how its options are prepared and validated, the services and health monitors it runs, the HTTP endpoints it
/// serves and the verbs it adds to <c>loos-edge</c>. The site-file loader, the host and the command line go through
/// the list of modules in order and know nothing of any one of them.
/// </summary>
/// <remarks>Most modules own a section and derive from <see cref="GatewayModule{TOptions}"/>.</remarks>
public abstract class GatewayModule
{
    /// <summary>The top-level site-file section the module owns, such as <c>buffer</c>; null for none.</summary>
    public virtual string? Section => null;

    /// <summary>
    /// Whether the module's services are made once per process and kept across a reload of the site file (the buffer,
    /// which sources and forwarder share); a change to its section then takes effect at the next restart. False by default:
    /// a reload stops the module's services gracefully and starts them again from the new file.
    /// </summary>
    public virtual bool OutlivesReload => false;

    /// <summary>A new instance of the module's options, with their defaults, for the loader to bind the section into.</summary>
    public virtual object? CreateOptions() => null;

    /// <summary>Sets <paramref name="options"/> (made by <see cref="CreateOptions"/>) from the module's <paramref name="section"/>.</summary>
    public virtual void BindOptions(IConfiguration section, object options)
    {
    }

    /// <summary>
    /// Completes the bound options before they are validated: paths resolved against the site file, defaults taken
    /// from the site or from modules listed earlier.
    /// </summary>
    public virtual void Prepare(ISiteContext site)
    {
    }

    /// <summary>Adds every problem of the module's options (and of their agreement with other modules') to <paramref name="problems"/>.</summary>
    public virtual void Validate(ISiteContext site, ConfigurationProblems problems)
    {
    }

    /// <summary>Registers the module's options, services, hosted services and health monitors (<see cref="IDeviceMonitor"/>).</summary>
    public virtual void AddServices(IServiceCollection services, ISiteContext site)
    {
    }

    /// <summary>Configures the web host, for a module that listens on an address of its own.</summary>
    public virtual void ConfigureWebHost(IWebHostBuilder webHost, ISiteContext site)
    {
    }

    /// <summary>Maps the module's HTTP endpoints once the application is built.</summary>
    public virtual void MapEndpoints(IEndpointRouteBuilder endpoints, ISiteContext site)
    {
    }

    /// <summary>The module's verbs of the <c>loos-edge</c> command, such as <c>modbus</c> with its <c>read</c> and <c>scan</c>.</summary>
    public virtual IEnumerable<Command> CreateVerbs(IVerbContext context) => [];

    /// <summary>What <c>loos-edge doctor</c> checks for this module on a valid site: its files, lines, ports and servers.</summary>
    public virtual IEnumerable<IDoctorCheck> CreateChecks(ISiteContext site, DoctorContext doctor) => [];

    /// <summary>How many readings an hour the module's configured points and intervals make, for the doctor's estimate of how long the buffer lasts; 0 for none or unknown.</summary>
    public virtual double EstimateReadingsPerHour(ISiteContext site) => 0;

    /// <summary>What <c>loos-edge site test</c> reads once for this module: its devices, with its own pollers, never into the buffer.</summary>
    public virtual IEnumerable<IDeviceTest> CreateDeviceTests(ISiteContext site) => [];
}
