using Loos.Edge.Core;
using Loos.Edge.Modules.Commissioning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Modules;

/// <summary>
/// A module that owns a site-file section bound to <typeparamref name="TOptions"/>. Its options reach its services
/// as <see cref="IOptions{TOptions}"/> (and the monitor and snapshot): the instance bound once from the file, prepared
/// and validated once by the loader.
/// </summary>
public abstract class GatewayModule<TOptions> : GatewayModule
    where TOptions : class, new()
{
    private readonly Func<TOptions, ConfigurationProblems>? check;

    /// <summary>A module of section <paramref name="section"/>, whose options <paramref name="check"/> validates.</summary>
    protected GatewayModule(string section, Func<TOptions, ConfigurationProblems>? check = null)
    {
        Section = section;
        this.check = check;
    }

    public sealed override string Section { get; }

    public sealed override object CreateOptions() => new TOptions();

    public sealed override void BindOptions(IConfiguration section, object options) => Bind(section, (TOptions)options);

    public sealed override void Prepare(ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        Prepare(site.Options<TOptions>(), site);
    }

    public sealed override void Validate(ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(site);
        Validate(site.Options<TOptions>(), site, problems);
    }

    public sealed override void AddServices(IServiceCollection services, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<TOptions>();
        var siteOptions = new SiteOptions<TOptions>(options);
        services.AddSingleton<IOptions<TOptions>>(siteOptions);
        services.AddSingleton<IOptionsMonitor<TOptions>>(siteOptions);
        services.AddSingleton<IOptionsSnapshot<TOptions>>(siteOptions);
        if (IsEnabled(options, site))
        {
            AddServices(services, options, site);
        }
    }

    public sealed override IEnumerable<IDoctorCheck> CreateChecks(ISiteContext site, DoctorContext doctor)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<TOptions>();
        return IsEnabled(options, site) ? CreateChecks(options, site, doctor) : [];
    }

    public sealed override double EstimateReadingsPerHour(ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<TOptions>();
        return IsEnabled(options, site) ? EstimateReadingsPerHour(options, site) : 0;
    }

    public sealed override IEnumerable<IDeviceTest> CreateDeviceTests(ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var options = site.Options<TOptions>();
        return IsEnabled(options, site) ? CreateDeviceTests(options, site) : [];
    }

    /// <summary>
    /// Binds <paramref name="section"/> into <paramref name="options"/>: <c>section.Bind(options)</c> in each module, where
    /// the options' class is known, so that the configuration-binding generator writes the binding code. The runtime's
    /// reflection binder cannot see the generic lists of a trimmed or ahead-of-time build and drops their items silently.
    /// </summary>
    protected abstract void Bind(IConfiguration section, TOptions options);

    /// <summary>Resolves the paths of <paramref name="options"/> and fills defaults that depend on the site.</summary>
    protected virtual void Prepare(TOptions options, ISiteContext site)
    {
    }

    /// <summary>
    /// Adds every problem of <paramref name="options"/>, each with its key: by default those of the module's check; a
    /// module whose rules involve other sections adds them here.
    /// </summary>
    protected virtual void Validate(TOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (check is not null)
        {
            problems.AddRange(check(options));
        }
    }

    /// <summary>Whether the section asks for the module's services at all (a source with no device runs nothing).</summary>
    protected virtual bool IsEnabled(TOptions options, ISiteContext site) => true;

    /// <summary>Registers the services of an enabled module; its options are registered already.</summary>
    protected virtual void AddServices(IServiceCollection services, TOptions options, ISiteContext site)
    {
    }

    /// <summary>The doctor checks of an enabled module (see <see cref="GatewayModule.CreateChecks(ISiteContext, DoctorContext)"/>).</summary>
    protected virtual IEnumerable<IDoctorCheck> CreateChecks(TOptions options, ISiteContext site, DoctorContext doctor) => [];

    /// <summary>The readings an hour of an enabled module (see <see cref="GatewayModule.EstimateReadingsPerHour(ISiteContext)"/>).</summary>
    protected virtual double EstimateReadingsPerHour(TOptions options, ISiteContext site) => 0;

    /// <summary>The site-test reads of an enabled module (see <see cref="GatewayModule.CreateDeviceTests(ISiteContext)"/>).</summary>
    protected virtual IEnumerable<IDeviceTest> CreateDeviceTests(TOptions options, ISiteContext site) => [];
}
