/** The job spec: YAML parsed into immutable, validated records whose errors name the field path. */
package dev.psyarn.spec;
