using System.Text.Json.Serialization;

namespace Portable.Functions;

/// <summary>
/// Portable data of a storage notification: an S3 object, an Azure blob or a Cloud Storage object that changed.
/// Bind an event function to this type to handle storage events from any platform.
/// </summary>
public sealed class StorageObjectChange
{
    /// <summary>Gets or sets the bucket (S3, Cloud Storage) or container (Azure) name.</summary>
    public required string Bucket { get; set; }

    /// <summary>Gets or sets the object key or blob name, decoded.</summary>
    public required string Key { get; set; }

    /// <summary>Gets or sets what happened to the object.</summary>
    public StorageChangeKind Kind { get; set; }

    /// <summary>Gets or sets the object's size in bytes, when known.</summary>
    public long? Size { get; set; }

    /// <summary>Gets or sets the object's entity tag, when known.</summary>
    [JsonPropertyName("etag")]
    public string? ETag { get; set; }

    /// <summary>Gets or sets the object's media type, when known.</summary>
    public string? ContentType { get; set; }

    /// <summary>Gets or sets the object version or generation, when known.</summary>
    public string? Version { get; set; }
}

/// <summary>What happened to a storage object.</summary>
public enum StorageChangeKind
{
    /// <summary>The platform reported a change it does not classify further.</summary>
    Unknown = 0,

    /// <summary>The object was created or overwritten.</summary>
    Created = 1,

    /// <summary>The object was deleted.</summary>
    Deleted = 2,

    /// <summary>The object's metadata changed.</summary>
    MetadataUpdated = 3,

    /// <summary>The object was archived or moved to another storage class.</summary>
    Archived = 4,
}
